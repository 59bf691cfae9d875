package dev.wisp.client.internal;

/**
 * The deadlines by which the server of an HTTP/2 client connection must show that it is there: the acknowledgement
 * of our SETTINGS (RFC 9113 §6.5.3), and any frame at all after the PING the connection sends when a read on it
 * timed out, or with a new stream after it received nothing for the pong timeout (as Chrome checks a connection "at
 * risk of loss" before it reuses it). A server that vanished without closing the connection (its host gone, a NAT
 * entry dropped) sends no FIN: without the PING, only the read timeout of each call would tell, and the connection
 * would take new calls for ever. A slow server still answers the PING, and its connection stays in use.
 *
 * <p>Thread-safe: the connection's reading thread reports what arrives, the calls' threads the read timeouts, and
 * the sweeper asks what is overdue.
 */
final class Http2Liveness {
    private final long settingsAckTimeoutNanos;
    private final long pongTimeoutNanos;
    /** When our SETTINGS went out, while the server has not acknowledged them; 0 once it has. */
    private volatile long settingsSentNanos;
    /** When the PING went out, while nothing arrived since; 0 when no PING is outstanding. */
    private volatile long pingSentNanos;
    private volatile long lastReceivedNanos;

    Http2Liveness(long settingsAckTimeoutNanos, long pongTimeoutNanos, long nowNanos) {
        this.settingsAckTimeoutNanos = settingsAckTimeoutNanos;
        this.pongTimeoutNanos = pongTimeoutNanos;
        this.lastReceivedNanos = nowNanos;
    }

    /** Our SETTINGS went out: their acknowledgement is due within the timeout. */
    void settingsSent(long nowNanos) {
        settingsSentNanos = nonZero(nowNanos);
    }

    void settingsAcknowledged() {
        settingsSentNanos = 0;
    }

    /** A frame arrived: the server is there, and an outstanding PING needs no answer any more. */
    void received(long nowNanos) {
        lastReceivedNanos = nowNanos;
        if (pingSentNanos != 0) {
            pingSentNanos = 0;
        }
    }

    /**
     * Notes a PING going out now, unless one is outstanding already.
     *
     * @return whether the caller sends it
     */
    synchronized boolean startPing(long nowNanos) {
        if (pingSentNanos != 0) {
            return false;
        }
        pingSentNanos = nonZero(nowNanos);
        return true;
    }

    /**
     * Notes a PING going out now with a new stream if nothing arrived for the pong timeout, unless one is outstanding.
     *
     * @return whether the caller sends it
     */
    boolean startPingIfSilent(long nowNanos) {
        return nowNanos - lastReceivedNanos > pongTimeoutNanos && startPing(nowNanos);
    }

    /** Whether no frame arrived for longer than this. */
    boolean isSilentFor(long nanos, long nowNanos) {
        return nowNanos - lastReceivedNanos > nanos;
    }

    /** Whether the server has not acknowledged our SETTINGS within the timeout. */
    boolean isSettingsAckOverdue(long nowNanos) {
        long sent = settingsSentNanos;
        return sent != 0 && nowNanos - sent > settingsAckTimeoutNanos;
    }

    /** Whether nothing arrived within the pong timeout of the outstanding PING. */
    boolean isPongOverdue(long nowNanos) {
        long sent = pingSentNanos;
        return sent != 0 && nowNanos - sent > pongTimeoutNanos;
    }

    /** A time that is never the 0 that stands for none. */
    private static long nonZero(long nanos) {
        return nanos == 0 ? 1 : nanos;
    }
}
