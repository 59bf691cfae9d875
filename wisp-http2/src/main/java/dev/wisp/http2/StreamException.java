package dev.wisp.http2;

/**
 * An error that ends one stream only (RFC 9113 §5.4.2): the connection sends RST_STREAM with {@link #errorCode()}
 * for {@link #streamId()} and goes on. A {@link FrameReader} that threw one has consumed the faulty frame whole and
 * can read the next.
 */
public final class StreamException extends Http2Exception {
    private final int streamId;

    public StreamException(ErrorCode errorCode, int streamId, String message) {
        super(errorCode, message);
        if (streamId <= 0) {
            throw new IllegalArgumentException("a stream error needs a stream, not " + streamId);
        }
        this.streamId = streamId;
    }

    /** The stream to reset. */
    public int streamId() {
        return streamId;
    }
}
