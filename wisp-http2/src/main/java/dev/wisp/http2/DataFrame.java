package dev.wisp.http2;

import java.util.Objects;

/**
 * A DATA frame (RFC 9113 §6.1). The data array is handed over as read, not copied: the frame owns it.
 *
 * @param streamId the stream, never 0
 * @param data the data, without padding
 * @param endStream whether this is the stream's last frame from its sender
 * @param padding how many bytes padding took in the frame, counting the Pad Length field: 0 if it was not padded
 */
public record DataFrame(int streamId, byte[] data, boolean endStream, int padding) implements Frame {
    public DataFrame {
        FrameFields.requireStream(streamId, "DATA");
        Objects.requireNonNull(data, "data");
        FrameFields.requirePadding(padding);
    }

    /** A frame without padding. */
    public DataFrame(int streamId, byte[] data, boolean endStream) {
        this(streamId, data, endStream, 0);
    }

    /** The bytes that count against the flow-control windows: the whole payload, padding included (§6.9.1). */
    public int flowControlledLength() {
        return data.length + padding;
    }
}
