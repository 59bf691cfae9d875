package dev.wisp.http2;

import java.util.Objects;

/** An RST_STREAM frame (RFC 9113 §6.4): ends one stream with an error code. */
public record ResetFrame(int streamId, ErrorCode errorCode) implements Frame {
    public ResetFrame {
        FrameFields.requireStream(streamId, "RST_STREAM");
        Objects.requireNonNull(errorCode, "errorCode");
    }
}
