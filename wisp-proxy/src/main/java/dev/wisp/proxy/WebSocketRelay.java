package dev.wisp.proxy;

import dev.wisp.client.Client;
import dev.wisp.client.HttpCallException;
import dev.wisp.client.Request;
import dev.wisp.client.TimeoutExceededException;
import dev.wisp.client.WebSocketRefusedException;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.Status;
import dev.wisp.server.HttpRefusalException;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.WebSocketHandler;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketHandshakeException;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.internal.ServerHandshake;
import dev.wisp.websocket.internal.WebSocketSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Relays WebSockets to the upstream of a {@link ReverseProxy}, made by {@link ReverseProxy#webSocketRelay}: each
 * WebSocket a client opens on its route opens one to the upstream first (same path mapping and forwarded fields as
 * the proxy's requests), and only then is the client's accepted; from there every message goes across whole, each
 * way. A close is passed on with its code and reason (or none, for a close frame without a code), and answered
 * with the other side's close once that came, so that messages still on their way are not lost; at most the
 * configuration's closeTimeout later, it is answered anyway. Each side keeps its own pings, limits and compression.
 *
 * <pre>{@code
 * WebSocketRelay relay = api.webSocketRelay(WebSocketConfig.builder().subprotocols(List.of("chat.v2")).build());
 * Router router = Router.builder()
 *         .webSocket("/api/*", relay.config(), relay, api)  // WebSockets relayed, any other GET proxied
 *         .any("/api/*", api)                               // every other method
 *         .build();
 * }</pre>
 *
 * <p>The subprotocols the client offers are offered to the upstream (only those the configuration lists, if it
 * lists any), and the client is answered with the upstream's choice, or none if it chose none, over HTTP/1.1 and
 * HTTP/2 alike.
 * An upstream that refuses the WebSocket with a 4xx status refuses the client's with its answer: the same status (a
 * 401 stays a 401), its end-to-end fields ({@code WWW-Authenticate}, {@code Set-Cookie}, {@code Retry-After}) as a
 * proxied answer's, and its body (a short text of the relay's in place of one of 64 KiB or more, which the client
 * may have cut); one that cannot be reached or answers otherwise gives 502, one that does not answer in time 504.
 * If the upstream's connection fails, the client's closes with 1014 (Bad Gateway).
 *
 * <p>Immutable and thread-safe; it uses its proxy's client.
 */
public final class WebSocketRelay implements WebSocketHandler {
    /** The fields the WebSocket handshake and the client set for themselves. */
    private static final Set<String> HANDSHAKE_OWN = Set.of("host", "expect", "content-length", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol", "sec-websocket-accept");

    private final Forwarding forwarding;
    private final Client client;
    private final WebSocketConfig config;
    private final FailureLog failureLog;

    WebSocketRelay(Forwarding forwarding, Client client, WebSocketConfig config, FailureLog failureLog) {
        this.forwarding = forwarding;
        this.client = client;
        this.config = config;
        this.failureLog = failureLog;
    }

    /** The configuration to give the route: both sides' limits, pings and compression, and its subprotocols. */
    public WebSocketConfig config() {
        return config;
    }

    @Override
    public WebSocketListener open(ServerRequest request) throws IOException {
        Forwarding.Target target = forwarding.target(request)
                .orElseThrow(() -> new HttpProtocolException(Status.NOT_FOUND, "not found"));
        if (Forwarding.isLooping(request)) {
            throw new HttpProtocolException(Forwarding.LOOP_DETECTED, "the request passed " + Forwarding.MAX_HOPS
                    + " proxies or more: a loop?");
        }
        WebSocketConfig offering = config.toBuilder().subprotocols(offered(request)).build();
        Headers fields = forwarding.requestFields(request, HANDSHAKE_OWN);
        Upstreams upstreams = forwarding.upstreams();
        List<Upstream> candidates = upstreams.order();
        for (int i = 0; ; i++) {
            Upstream upstream = candidates.get(i);
            Request opening;
            try {
                opening = Request.builder(target.at(upstream)).headers(fields).build();
            } catch (IllegalArgumentException e) {
                throw new HttpProtocolException(Status.BAD_REQUEST, "the request target is not a URI that can be"
                        + " forwarded (RFC 3986)");
            }
            WebSocketPipe pipe = new WebSocketPipe(config.closeTimeout());
            WebSocket opened;
            try {
                opened = client.webSocket(opening, offering, pipe.upstreamListener);
            } catch (WebSocketRefusedException e) {
                upstreams.answered(upstream);
                int code = e.status().code();
                if (code < 400 || code >= 500) {
                    failureLog.log(e); // a 4xx is the upstream's answer to the client (a 401), not its failure
                }
                if (code < 400 || code >= 500) {
                    throw new HttpProtocolException(Status.BAD_GATEWAY, "the upstream server refused the WebSocket");
                }
                throw refusal(request, e);
            } catch (HttpCallException e) {
                failureLog.log(e);
                if (Upstreams.failedToConnect(e)) {
                    upstreams.failed(upstream);
                    if (i + 1 < candidates.size()) {
                        continue;
                    }
                }
                throw e instanceof TimeoutExceededException
                        ? new HttpProtocolException(Status.GATEWAY_TIMEOUT,
                                "the upstream server did not answer in time")
                        : new HttpProtocolException(Status.BAD_GATEWAY,
                                "the upstream server could not be reached or answered wrongly");
            } catch (WebSocketHandshakeException e) {
                failureLog.log(e);
                throw new HttpProtocolException(Status.BAD_GATEWAY, "the upstream server answered wrongly");
            }
            upstreams.answered(upstream);
            // A cookie the upstream set goes to the client, as with any answer it passes on; the handshake's own
            // fields are the client's handshake's.
            pipe.upstreamOpened(opened, forwarding.responseFields(request, opened.handshakeHeaders(),
                    ((WebSocketSession) opened).handshakeVersion()));
            return pipe.downstreamListener;
        }
    }

    /**
     * The upstream's refusal as the client gets it: its status and end-to-end fields, and its body, unless that may
     * have been cut (the client reads at most {@link WebSocketRefusedException#MAX_BODY_BYTES} of it): then a short
     * text in its place, which a client cannot take for the whole of the upstream's.
     */
    private HttpRefusalException refusal(ServerRequest request, WebSocketRefusedException refused) {
        Headers fields = forwarding.responseFields(request, refused.headers(), refused.version());
        byte[] body = refused.body();
        if (body.length >= WebSocketRefusedException.MAX_BODY_BYTES) {
            fields = fields.toBuilder().remove(HeaderNames.CONTENT_ENCODING)
                    .set(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8").build();
            body = "refused by the upstream server, with a body longer than the relay passes on\n"
                    .getBytes(StandardCharsets.UTF_8);
        }
        return new HttpRefusalException(refused.status(), "refused by the upstream server", fields, body);
    }

    /**
     * The subprotocols to offer the upstream: those the client offered, in its order, less those the configuration
     * does not list, if it lists any. The upstream chooses, and the client is answered with its choice (the
     * client's handshake takes only one it offered).
     */
    private List<String> offered(ServerRequest request) throws HttpProtocolException {
        List<String> offered;
        try {
            offered = ServerHandshake.subprotocols(request.headers());
        } catch (WebSocketHandshakeException e) {
            // The server's own check refuses such an offer before the route runs; kept for a request made otherwise.
            throw new HttpProtocolException(Status.BAD_REQUEST, e.getMessage());
        }
        List<String> allowed = config.subprotocols();
        return allowed.isEmpty() ? offered : offered.stream().filter(allowed::contains).toList();
    }

    @Override
    public String toString() {
        return "WebSocketRelay[" + forwarding.upstreams().members().getFirst().uri("", null) + "]";
    }
}
