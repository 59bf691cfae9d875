package dev.wisp.http2;

/**
 * A token bucket that bounds how often a peer may make a connection do work for nothing: frames that cost an answer
 * or a lookup but carry no request (PING, SETTINGS, PRIORITY, empty DATA), or streams it opens and resets at once
 * (the "rapid reset" of CVE-2023-44487). Each such event takes a token; tokens come back at a steady rate up to the
 * bucket's size, so a burst is allowed and a flood is not. A connection whose peer empties the bucket ends it with
 * ENHANCE_YOUR_CALM, as RFC 9113 §10.5 lets an endpoint do.
 *
 * <p>Not thread-safe: the connection's reading thread owns it.
 */
public final class FrameRateLimit {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final String what;
    private final long burst;
    private final long perSecond;
    private long tokens;
    private long lastRefillNanos;

    /**
     * @param what what is counted, for the error's message ("control frames", "reset streams")
     * @param burst how many events may come at once: the bucket's size
     * @param perSecond how many events a second may come for good: the rate at which tokens come back
     * @param nowNanos the {@link System#nanoTime()} at which the bucket starts full
     */
    public FrameRateLimit(String what, long burst, long perSecond, long nowNanos) {
        if (burst <= 0 || perSecond <= 0) {
            throw new IllegalArgumentException("burst and perSecond must be positive: " + burst + ", " + perSecond);
        }
        this.what = what;
        this.burst = burst;
        this.perSecond = perSecond;
        this.tokens = burst;
        this.lastRefillNanos = nowNanos;
    }

    /**
     * Takes a token for one event.
     *
     * @throws ConnectionException ENHANCE_YOUR_CALM if none is left
     */
    public void take(long nowNanos) throws ConnectionException {
        refill(nowNanos);
        if (tokens == 0) {
            throw new ConnectionException(ErrorCode.ENHANCE_YOUR_CALM, "too many " + what + ": more than " + burst
                    + " at once or " + perSecond + " a second");
        }
        tokens--;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastRefillNanos;
        if (elapsed <= 0 || tokens == burst) {
            lastRefillNanos = Math.max(lastRefillNanos, nowNanos);
            return;
        }
        long earned = elapsed >= NANOS_PER_SECOND * 1000 ? burst : elapsed * perSecond / NANOS_PER_SECOND;
        if (earned > 0) {
            tokens = Math.min(burst, tokens + earned);
            // Time that earned no whole token is kept for the next call.
            lastRefillNanos = tokens == burst ? nowNanos : lastRefillNanos + earned * NANOS_PER_SECOND / perSecond;
        }
    }
}
