package dev.wisp.http2;

/**
 * A WINDOW_UPDATE frame (RFC 9113 §6.9), for a stream or, on stream 0, for the connection.
 *
 * @param increment 1 to 2^31-1 bytes
 */
public record WindowUpdateFrame(int streamId, int increment) implements Frame {
    public WindowUpdateFrame {
        if (streamId < 0) {
            throw new IllegalArgumentException("stream id must be 0 to 2^31-1: " + streamId);
        }
        if (increment <= 0) {
            throw new IllegalArgumentException("window increment must be 1 to 2^31-1: " + increment);
        }
    }
}
