package dev.wisp.http2;

import java.util.Objects;

/**
 * A CONTINUATION frame (RFC 9113 §6.10): the next fragment of a header block. {@link FrameReader} never returns one,
 * since it joins them into their {@link HeadersFrame} or {@link PushPromiseFrame}; {@link FrameWriter} writes them
 * when it splits a block, and writes one given here as it is (a test's way to send a broken sequence).
 */
public record ContinuationFrame(int streamId, byte[] fragment, boolean endHeaders) implements Frame {
    public ContinuationFrame {
        FrameFields.requireStream(streamId, "CONTINUATION");
        Objects.requireNonNull(fragment, "fragment");
    }
}
