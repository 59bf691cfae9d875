/**
 * The HTTP/2 codec (RFC 9113): the frame layer in {@code dev.wisp.http2} (frames, {@code FrameReader} and
 * {@code FrameWriter}, settings, error codes, flow-control windows), the rules of the field sections of requests,
 * responses and trailers ({@code RequestFields}, {@code ResponseFields}, {@code TrailerFields}), and HPACK (RFC 7541),
 * the header compression HTTP/2 uses, in {@code dev.wisp.http2.hpack}. It knows bytes only; connections own sockets.
 */
module dev.wisp.http2 {
    requires transitive dev.wisp.core;

    exports dev.wisp.http2 to dev.wisp.server, dev.wisp.client;
    exports dev.wisp.http2.hpack to dev.wisp.server, dev.wisp.client;
}
