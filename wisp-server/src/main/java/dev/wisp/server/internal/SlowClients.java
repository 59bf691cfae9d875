package dev.wisp.server.internal;

/**
 * When a client counts as slow, so that a server out of room may end what it holds, whatever the protocol:
 * <ul>
 *   <li>a request head (a TLS handshake, an HTTP/2 preface or frame other than DATA) that has taken over
 *       {@value #SLOW_HEAD_MILLIS} ms (a slowloris);
 *   <li>a request body that has come slower than {@value #MIN_BYTES_PER_SECOND} bytes a second since it began, over
 *       {@value #GRACE_MILLIS} ms ago, while its handler waits to read it (a handler that computes instead keeps its
 *       client from sending, which is not the client's doing): a slow POST, or slow DATA on HTTP/2 streams;
 *   <li>a response that has waited over {@value #SLOW_WRITE_MILLIS} ms for the client to read (its socket) or to give
 *       credit (its HTTP/2 flow-control window) without 64 KiB of it going out meanwhile, so a client that reads
 *       slower than about 13 KB a second: a slow read.
 * </ul>
 * A client on any working link does better; one that dribbles would otherwise hold its place for a timeout per byte.
 */
final class SlowClients {
    static final long SLOW_HEAD_MILLIS = 1_000;
    static final long SLOW_HEAD_NANOS = SLOW_HEAD_MILLIS * 1_000_000L;
    static final long GRACE_MILLIS = 2_000;
    static final long MIN_BYTES_PER_SECOND = 1024;
    static final long SLOW_WRITE_MILLIS = 5_000;
    static final long SLOW_WRITE_NANOS = SLOW_WRITE_MILLIS * 1_000_000L;

    private SlowClients() {
    }

    /**
     * Whether a body is slow now.
     *
     * @param sinceNanos when the body began ({@link System#nanoTime()}), or 0 for none
     * @param bytes what has come of it since
     * @return {@code sinceNanos} if the body is slow, else 0: for the registry's choice of the longest waiting
     */
    static long slowBodySince(long sinceNanos, long bytes, long nowNanos) {
        long elapsedMillis = (nowNanos - sinceNanos) / 1_000_000L;
        if (sinceNanos == 0 || elapsedMillis < GRACE_MILLIS) {
            return 0;
        }
        return bytes < MIN_BYTES_PER_SECOND * elapsedMillis / 1_000 ? sinceNanos : 0;
    }

    /**
     * Whether a write is slow now.
     *
     * @param waitingSinceNanos since when the write has waited for the client ({@link System#nanoTime()}), or 0
     * @return {@code waitingSinceNanos} if the write is slow, else 0
     */
    static long slowWriteSince(long waitingSinceNanos, long nowNanos) {
        return waitingSinceNanos != 0 && nowNanos - waitingSinceNanos >= SLOW_WRITE_NANOS ? waitingSinceNanos : 0;
    }
}
