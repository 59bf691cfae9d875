package dev.wisp.http2;

import java.util.Objects;
import java.util.Optional;

/**
 * A HEADERS frame (RFC 9113 §6.2) with its whole header block: {@link FrameReader} joins the CONTINUATION frames that
 * follow it, and {@link FrameWriter} splits the block into CONTINUATION frames where the peer's frame size needs it.
 * The block is HPACK-encoded; the frame owns the array.
 *
 * @param streamId the stream, never 0
 * @param headerBlock the whole HPACK header block
 * @param endStream whether the stream ends with this header block (trailers, or a message without content)
 * @param priority the priority fields, if the PRIORITY flag was set
 * @param padding how many bytes padding took in the HEADERS frame, counting the Pad Length field
 */
public record HeadersFrame(int streamId, byte[] headerBlock, boolean endStream, Optional<Priority> priority,
        int padding) implements Frame {
    public HeadersFrame {
        FrameFields.requireStream(streamId, "HEADERS");
        Objects.requireNonNull(headerBlock, "headerBlock");
        Objects.requireNonNull(priority, "priority");
        FrameFields.requirePadding(padding);
    }

    /** A frame without priority fields and padding. */
    public HeadersFrame(int streamId, byte[] headerBlock, boolean endStream) {
        this(streamId, headerBlock, endStream, Optional.empty(), 0);
    }
}
