package dev.wisp.server.internal;

/**
 * When a request body counts as slow, so that a server out of room may end it: it has come slower than
 * {@value #MIN_BYTES_PER_SECOND} bytes a second since it began, over {@value #GRACE_MILLIS} ms ago, while its handler
 * waits to read it (a handler that computes instead keeps its client from sending, which is not the client's doing).
 * A client on any working link sends more; one that drips its body (a slow POST, or slow DATA on HTTP/2 streams)
 * would otherwise hold its place for a read timeout per byte. The same rule for every protocol.
 */
final class SlowBodies {
    static final long GRACE_MILLIS = 2_000;
    static final long MIN_BYTES_PER_SECOND = 1024;

    private SlowBodies() {
    }

    /**
     * Whether a body is slow now.
     *
     * @param sinceNanos when the body began ({@link System#nanoTime()}), or 0 for none
     * @param bytes what has come of it since
     * @return {@code sinceNanos} if the body is slow, else 0: for the registry's choice of the longest waiting
     */
    static long slowSince(long sinceNanos, long bytes, long nowNanos) {
        long elapsedMillis = (nowNanos - sinceNanos) / 1_000_000L;
        if (sinceNanos == 0 || elapsedMillis < GRACE_MILLIS) {
            return 0;
        }
        return bytes < MIN_BYTES_PER_SECOND * elapsedMillis / 1_000 ? sinceNanos : 0;
    }
}
