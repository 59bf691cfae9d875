package dev.wisp.transport;

import java.util.concurrent.locks.LockSupport;

/**
 * A virtual thread that runs a pass whenever it is unparked, for ever: the relays of {@link PlatformStarts} and
 * {@link PlatformWakeups}. It outlives any failure of a pass (mostly for want of memory), trying again after a
 * pause: once a relay ended, what it relays would wait for busy threads, and on an idle server for ever (a full
 * heap ended one so: no connection was served once memory was back).
 */
final class RelayThread {
    /** The pause before a pass that failed is tried again. */
    private static final long RETRY_NANOS = 10_000_000L;

    private RelayThread() {
    }

    /** Starts the relay: a pass at once, then one each time the thread is unparked. */
    static Thread start(String name, Runnable pass) {
        return Thread.ofVirtual().name(name).start(() -> {
            while (true) {
                try {
                    pass.run();
                    LockSupport.park();
                } catch (RuntimeException | Error e) {
                    LockSupport.parkNanos(RETRY_NANOS);
                }
            }
        });
    }
}
