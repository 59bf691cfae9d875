package dev.wisp.server.internal;

import java.util.ArrayDeque;

/**
 * The places for running handlers on one HTTP/2 connection, bounded at {@code maxConcurrentStreams} apart from the
 * streams: a stream closes (and frees its place in the client's count) as soon as its response ends, while its
 * handler may still be returning, and a client may reset streams as fast as it opens them. An exchange over the
 * bound waits for a place, in order, rather than being refused.
 *
 * <p>Thread-safe.
 */
final class Http2HandlerPlaces {
    private final long limit;
    private int running;
    /** Empty on nearly every connection, which keeps it for its life: small until exchanges do wait. */
    private final ArrayDeque<Http2Exchange> waiting = new ArrayDeque<>(1);

    Http2HandlerPlaces(long limit) {
        this.limit = limit;
    }

    /**
     * Takes a place for the exchange's handler, or queues the exchange.
     *
     * @return whether the handler may start now
     */
    synchronized boolean takeOrQueue(Http2Exchange exchange) {
        if (running >= limit) {
            waiting.addLast(exchange);
            return false;
        }
        running++;
        return true;
    }

    /** Frees the place of a handler that returned. */
    synchronized void release() {
        running--;
        if (running == 0) {
            notifyAll();
        }
    }

    /**
     * Waits until no handler runs, or the time is up; an interrupt does not end the wait (an abort interrupts the
     * thread that waits here as it ends the connection) but is kept.
     *
     * @return whether none runs
     */
    synchronized boolean awaitNoneRunning(long nanos) {
        long deadline = System.nanoTime() + nanos;
        boolean interrupted = false;
        try {
            while (running > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The next waiting exchange if a place is free, with the place taken for it unless its stream was reset while it
     * waited (its handler then never runs); null if none waits or no place is free.
     */
    synchronized Http2Exchange next() {
        if (waiting.isEmpty() || running >= limit) {
            return null;
        }
        Http2Exchange next = waiting.removeFirst();
        if (!next.stream().isReset()) {
            running++;
        }
        return next;
    }
}
