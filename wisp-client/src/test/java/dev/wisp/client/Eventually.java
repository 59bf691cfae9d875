package dev.wisp.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits, briefly and bounded, for a condition that nothing signals: a connection count that drops once the other side
 * has noticed a close.
 */
final class Eventually {
    private Eventually() {
    }

    /** Polls the condition every few milliseconds for up to five seconds; fails with the message if it never held. */
    static void assertEventually(BooleanSupplier condition, Supplier<String> message) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(message.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
