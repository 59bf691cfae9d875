package dev.wisp.server.filters;

import dev.wisp.core.Ascii;
import dev.wisp.core.Headers;
import dev.wisp.server.Filter;
import dev.wisp.server.ForwardingServerResponse;
import dev.wisp.server.Handler;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link Filter} that gives every response the same header fields, unless what runs behind it (a handler, another
 * filter, a proxied server's answer) sets its own of the same name, which then replaces them: the headers a page's
 * development server is asked for, such as {@code Cross-Origin-Opener-Policy} and
 * {@code Cross-Origin-Embedder-Policy} (which make a page cross-origin isolated, for {@code SharedArrayBuffer} and
 * WebAssembly threads), {@code Content-Security-Policy} or {@code Cache-Control}, as Caddy's {@code header}
 * directive and Vite's {@code server.headers} give them.
 *
 * <pre>{@code
 * HttpService.builder(router)
 *         .filter(ResponseHeaders.of(Headers.of(
 *                 "Cross-Origin-Opener-Policy", "same-origin",
 *                 "Cross-Origin-Embedder-Policy", "require-corp")))
 *         .build();
 * }</pre>
 *
 * <p>A name given several times gives the response each value. The fields of a message's framing and coding, which
 * only the server and the handler can know, are refused: {@value #REFUSED_NAMES}. Immutable and thread-safe.
 */
public final class ResponseHeaders implements Filter {
    /** The names {@link #of} refuses, compared without case. */
    public static final String REFUSED_NAMES = "Connection, Content-Encoding, Content-Length, Content-Range, Date,"
            + " Keep-Alive, Trailer, Transfer-Encoding, Upgrade";
    private static final Set<String> REFUSED = Set.of(Ascii.toLowerCase(REFUSED_NAMES).split(", "));

    private final Headers fields;

    private ResponseHeaders(Headers fields) {
        this.fields = fields;
    }

    /**
     * A filter that gives every response these fields.
     *
     * @throws IllegalArgumentException for a field of {@link #REFUSED_NAMES}
     */
    public static ResponseHeaders of(Headers fields) {
        Objects.requireNonNull(fields, "fields");
        for (String name : fields.names()) {
            if (REFUSED.contains(Ascii.toLowerCase(name))) {
                throw new IllegalArgumentException(name + " is the server's or the handler's to set, not a"
                        + " response-headers filter's");
            }
        }
        return new ResponseHeaders(fields);
    }

    /** The fields every response is given. */
    public Headers fields() {
        return fields;
    }

    @Override
    public void filter(ServerRequest request, ServerResponse response, Handler next) throws IOException {
        Set<String> given = new HashSet<>();
        for (int i = 0; i < fields.size(); i++) {
            given.add(Ascii.toLowerCase(fields.name(i)));
            response.header(fields.name(i), fields.value(i));
        }
        next.handle(request, new DefaultsResponse(response, given));
    }

    /** Takes a field set from inside in place of the filter's fields of that name. */
    private static final class DefaultsResponse extends ForwardingServerResponse {
        /** The lower-case names whose fields are still the filter's. */
        private final Set<String> defaults;

        DefaultsResponse(ServerResponse delegate, Set<String> defaults) {
            super(delegate);
            this.defaults = defaults;
        }

        @Override
        public ServerResponse header(String name, String value) {
            if (!defaults.isEmpty() && defaults.remove(Ascii.toLowerCase(name))) {
                delegate().removeHeader(name);
            }
            return super.header(name, value);
        }

        @Override
        public ServerResponse setHeader(String name, String value) {
            defaults.remove(Ascii.toLowerCase(name));
            return super.setHeader(name, value);
        }

        @Override
        public ServerResponse removeHeader(String name) {
            defaults.remove(Ascii.toLowerCase(name));
            return super.removeHeader(name);
        }
    }
}
