package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A browser's page on the proxy's origin opens a WebSocket relayed to an upstream whose route takes only its own
 * pages: the upstream, which the proxy calls by its own address, knows the page's origin for the client's by the
 * {@code X-Forwarded-Host} (or {@code Forwarded} host) the proxy sends; a page of another origin is refused at the
 * proxy.
 */
class WebSocketRelayOriginIT {
    @ParameterizedTest
    @CsvSource({"X_FORWARDED, http://127.0.0.1, 101", "FORWARDED, http://127.0.0.1, 101",
        "X_FORWARDED, http://evil.example, 403"})
    void theUpstreamTakesThePagesOfTheOriginTheClientAskedFor(ForwardedHeaders fields, String origin, int status)
            throws Exception {
        Router echo = Router.builder().webSocket("/chat", WebSocketConfig.defaults(),
                request -> WebSocketListener.echo()).build();
        try (Server upstream = Server.create(ServerConfig.builder().port(0).build(), echo).start();
                ReverseProxy proxy = ReverseProxy.builder("http://127.0.0.1:" + upstream.port() + "/")
                        .forwardedHeaders(fields).build()) {
            WebSocketRelay relay = proxy.webSocketRelay(WebSocketConfig.defaults());
            try (Server front = Server.create(ServerConfig.builder().port(0).build(), Router.builder()
                    .webSocket("/*", relay.config(), relay, proxy).build()).start()) {
                int[] answered = new int[1];
                // The peer's Host is 127.0.0.1, the proxy's own origin for a page it served.
                RawPeer.talk(front.port(), peer -> answered[0] = ScriptedWebSocketPeer.upgrade(peer, "/chat",
                        "Origin: " + origin).status());
                assertEquals(status, answered[0]);
            }
        }
    }
}
