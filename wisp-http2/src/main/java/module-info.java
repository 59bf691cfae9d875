/**
 * The HTTP/2 codec (RFC 9113). So far it holds HPACK (RFC 7541), the header compression HTTP/2 uses: an encoder
 * and a strict decoder with limits, in {@code dev.wisp.http2.hpack}. It knows bytes only; connections own sockets.
 */
module dev.wisp.http2 {
    // Exported to everyone for now because no module uses it yet; once the HTTP/2 connections exist this becomes
    // "exports dev.wisp.http2.hpack to dev.wisp.server, dev.wisp.client, ..." like the other codecs.
    exports dev.wisp.http2.hpack;
}
