package dev.wisp.proxy;

import dev.wisp.core.Body;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;

/**
 * The client's request body as the upstream request's: its bytes as they come, then the trailer fields that came
 * after them, which the client sends only where the framing has a place for them (chunked HTTP/1.1, HTTP/2), less
 * the forwarding fields ({@link ProxyFields#relayedTrailers}) and those the proxy hides.
 *
 * @param content the body as the upstream call reads it
 * @param length its length, or -1 when it is not known
 * @param source the server's request body, whose trailers are known once it was read to its end
 * @param hidden lowercase names of the fields the proxy hides from its upstream
 */
record RelayedBody(DownstreamBody content, long length, BodyInputStream source, Set<String> hidden) implements Body {
    @Override
    public void writeTo(OutputStream out) throws IOException {
        content.transferTo(out);
    }

    @Override
    public Headers trailers() {
        return ProxyFields.relayedTrailers(source.trailers(), hidden);
    }
}
