package dev.wisp.http2;

import java.util.Objects;

/**
 * A GOAWAY frame (RFC 9113 §6.8).
 *
 * @param lastStreamId the highest stream the sender may have acted on
 * @param errorCode why the connection ends
 * @param debugData opaque diagnostic bytes, often empty; the frame owns the array
 */
public record GoAwayFrame(int lastStreamId, ErrorCode errorCode, byte[] debugData) implements Frame {
    public GoAwayFrame {
        if (lastStreamId < 0) {
            throw new IllegalArgumentException("last stream id must be 0 to 2^31-1: " + lastStreamId);
        }
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(debugData, "debugData");
    }

    @Override
    public int streamId() {
        return 0;
    }
}
