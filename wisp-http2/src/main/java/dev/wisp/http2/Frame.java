package dev.wisp.http2;

/**
 * One HTTP/2 frame (RFC 9113 §4, §6), as {@link FrameReader} returns it and {@link FrameWriter} writes it. Records
 * check what a caller could get wrong (a stream id out of range, a DATA frame on stream 0) with
 * {@link IllegalArgumentException}; what a peer gets wrong is the reader's to report, as an {@link Http2Exception}.
 */
public sealed interface Frame permits DataFrame, HeadersFrame, PriorityFrame, ResetFrame, SettingsFrame,
        PushPromiseFrame, PingFrame, GoAwayFrame, WindowUpdateFrame, ContinuationFrame, UnknownFrame {
    /** The stream the frame belongs to; 0 for the connection. */
    int streamId();
}
