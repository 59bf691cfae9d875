package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.server.Filter;
import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The answer to a WebSocket's opening handshake sets cookies as any response does, and the client keeps them in its
 * jar as a browser does: the 101 of an HTTP/1.1 upgrade, the 200 of an extended CONNECT over HTTP/2 (RFC 8441), and a
 * refusal, whether the WebSocket was opened by URL or by upgrading a {@link ClientConnection}; the next request
 * carries them. Against Wisp's own server, whose filter adds a {@code Set-Cookie} to the answer of the route.
 */
class WebSocketCookiesIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String HTTP_2 = "HTTP/2";

    private Server server;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .get("/me", (request, response) -> response.send(request.protocol() + " "
                        + request.headers().firstOrNull("Cookie")))
                .blockingWebSocket("/ws", WebSocketConfig.defaults(), (request, webSocket) -> {
                    webSocket.sendText(request.protocol().toString());
                    webSocket.receive();
                })
                .build();
        // A filter's headers go out on the route's answer: the 101, the 200 over HTTP/2, or its own refusal.
        Filter cookies = (request, response, next) -> {
            String name = request.queryParameter("cookie").orElse(null);
            if (name != null) {
                response.header("Set-Cookie", name + "=1; Path=/");
            }
            if (request.queryParameter("refuse").isPresent()) {
                response.status(403).send("refused\n");
            } else {
                next.handle(request, response);
            }
        };
        server = Server.create(ServerConfig.builder().port(0).http2(true).build(),
                HttpService.builder(router).filter(cookies).build()).start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    private static ClientConfig config(String protocol) {
        ClientConfig.Builder config = ClientConfig.builder().cookieJar(CookieJar.create());
        return (protocol.equals(HTTP_2) ? config.http2(Http2Mode.PRIOR_KNOWLEDGE) : config).build();
    }

    private ClientConnection connect(String protocol) throws Exception {
        return ClientConnection.connect(Origin.plaintext("127.0.0.1", server.port()), config(protocol));
    }

    private String url(String scheme, String path) {
        return scheme + "://127.0.0.1:" + server.port() + path;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/1.1", HTTP_2})
    void aWebSocketOpenedByUrlKeepsTheCookiesOfItsAnswer(String protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create(config(protocol))) {
                // Over HTTP/2 a WebSocket is a stream of a connection an earlier call left in the pool.
                assertEquals(protocol + " null", client.send(Request.get(url("http", "/me"))).text());
                try (WebSocket webSocket = client.webSocket(url("ws", "/ws?cookie=opened"),
                        WebSocketConfig.defaults())) {
                    assertEquals(protocol, greeting(webSocket));
                }
                assertEquals(protocol + " opened=1", client.send(Request.get(url("http", "/me"))).text());
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/1.1", HTTP_2})
    void anUpgradedConnectionKeepsTheCookiesOfItsAnswer(String protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ClientConnection connection = connect(protocol)) {
                assertEquals(protocol + " null", connection.send(Request.get(url("http", "/me"))).text());
                try (WebSocket webSocket = connection.upgradeToWebSocket(
                        Request.get(url("http", "/ws?cookie=upgraded")), WebSocketConfig.defaults())) {
                    assertEquals(protocol, greeting(webSocket));
                }
                if (!protocol.equals(HTTP_2)) {
                    connection.reconnect(); // HTTP/1.1 switched the connection; HTTP/2 opened a stream of it
                }
                assertEquals(protocol + " upgraded=1", connection.send(Request.get(url("http", "/me"))).text());
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/1.1", HTTP_2})
    void aRefusedUpgradeKeepsTheCookiesOfItsAnswer(String protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ClientConnection connection = connect(protocol)) {
                WebSocketRefusedException refused = assertThrows(WebSocketRefusedException.class,
                        () -> connection.upgradeToWebSocket(Request.get(url("http", "/ws?cookie=refused&refuse=1")),
                                WebSocketConfig.defaults()));
                assertEquals(403, refused.status().code());
                if (!protocol.equals(HTTP_2)) {
                    connection.reconnect(); // a refused HTTP/1.1 upgrade closes its connection
                }
                assertEquals(protocol + " refused=1", connection.send(Request.get(url("http", "/me"))).text());
            }
        });
    }

    private static String greeting(WebSocket webSocket) throws Exception {
        return ((WebSocketMessage.Text) webSocket.receive().orElseThrow()).text();
    }
}
