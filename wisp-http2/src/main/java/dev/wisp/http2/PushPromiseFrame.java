package dev.wisp.http2;

import java.util.Objects;

/**
 * A PUSH_PROMISE frame (RFC 9113 §6.6) with its whole header block, joined from its CONTINUATION frames as for
 * {@link HeadersFrame}.
 *
 * @param streamId the stream the promise is made on, never 0
 * @param promisedStreamId the stream the server reserves
 * @param headerBlock the whole HPACK header block of the promised request
 * @param padding how many bytes padding took in the PUSH_PROMISE frame, counting the Pad Length field
 */
public record PushPromiseFrame(int streamId, int promisedStreamId, byte[] headerBlock, int padding)
        implements Frame {
    public PushPromiseFrame {
        FrameFields.requireStream(streamId, "PUSH_PROMISE");
        FrameFields.requireStream(promisedStreamId, "the promised stream of PUSH_PROMISE");
        Objects.requireNonNull(headerBlock, "headerBlock");
        FrameFields.requirePadding(padding);
    }
}
