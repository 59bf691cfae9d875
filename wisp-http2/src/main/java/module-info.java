/**
 * The HTTP/2 codec (RFC 9113): the frame layer in {@code dev.wisp.http2} (frames, {@code FrameReader} and
 * {@code FrameWriter}, settings, error codes, flow-control windows), the rules of the field sections of requests,
 * responses and trailers ({@code RequestFields}, {@code ResponseFields}, {@code TrailerFields}), and HPACK (RFC 7541),
 * the header compression HTTP/2 uses, in {@code dev.wisp.http2.hpack}; and the state the server's and the client's
 * connections share: a stream's buffered content, windows and reset state ({@code Http2Stream}), the frame output that
 * orders frames, HPACK encoding and send windows ({@code Http2Output}), the last writes of a connection that ends
 * ({@code LastWrites}), and the receiving side of flow control ({@code ReceiveFlow}). It knows bytes and waits on
 * locks; connections own sockets and threads.
 */
module dev.wisp.http2 {
    requires transitive dev.wisp.core;

    exports dev.wisp.http2 to dev.wisp.server, dev.wisp.client;
    exports dev.wisp.http2.hpack to dev.wisp.server, dev.wisp.client;
}
