package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.server.Filter;
import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.ServerRequest;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A follow-up carries the cookies the answer before it set, as a browser's does: a server commonly sets a session or
 * CSRF cookie on its {@code 401} or {@code 302}. The answer to a challenge, a redirect's next hop and the answer to a
 * WebSocket opening's {@code 401}, over HTTP/1.1 and h2c, against Wisp's server, whose routes take the follow-up only
 * with that cookie (and the credentials) and echo its {@code Cookie} fields: a caller's own cookie stays first, and
 * none goes twice.
 */
class FollowUpCookiesIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String HTTP_2 = "HTTP/2";
    private static final String AUTHORIZATION = "Basic dXNlcjpwdw=="; // user:pw

    private Server server;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .get("/moved", (request, response) -> response.status(302)
                        .header("Set-Cookie", "session=s1; Path=/")
                        .header("Location", request.queryParameter("to").orElse("/landing")).send(""))
                .get("/landing", (request, response) -> response.status(has(request, "session=s1") ? 200 : 403)
                        .send(echo(request)))
                .get("/login", (request, response) -> response.send(echo(request)))
                .blockingWebSocket("/ws", WebSocketConfig.defaults(), (request, webSocket) -> {
                    webSocket.sendText(echo(request));
                    webSocket.receive();
                })
                .build();
        // /login and /ws: a 401 that sets a cookie without Authorization, a 403 with it but without that cookie.
        Filter challenge = (request, response, next) -> {
            if (!request.path().equals("/login") && !request.path().equals("/ws")) {
                next.handle(request, response);
            } else if (request.headers().firstOrNull("Authorization") == null) {
                response.status(401).header("WWW-Authenticate", "Basic realm=\"r\"")
                        .header("Set-Cookie", "csrf=t1; Path=/").send("challenged\n");
            } else if (!AUTHORIZATION.equals(request.headers().firstOrNull("Authorization"))
                    || !has(request, "csrf=t1")) {
                response.status(403).send(echo(request));
            } else {
                next.handle(request, response);
            }
        };
        server = Server.create(ServerConfig.builder().port(0).http2(true).build(),
                HttpService.builder(router).filter(challenge).build()).start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    /** The protocol and the request's cookies, every Cookie field (HTTP/2 may split one, RFC 9113 §8.2.3). */
    private static String echo(ServerRequest request) {
        return request.protocol() + " " + String.join("; ", request.headers().all("Cookie"));
    }

    private static boolean has(ServerRequest request, String cookie) {
        return request.headers().all("Cookie").stream()
                .anyMatch(field -> ("; " + field + ";").contains("; " + cookie + ";"));
    }

    private static Client client(String protocol) {
        ClientConfig.Builder config = ClientConfig.builder().cookieJar(CookieJar.create());
        return Client.create((protocol.equals(HTTP_2) ? config.http2(Http2Mode.PRIOR_KNOWLEDGE) : config).build());
    }

    private String url(String scheme, String path) {
        return scheme + "://127.0.0.1:" + server.port() + path;
    }

    private static String answer(Response response) throws Exception {
        try (response) {
            return response.status().code() + " " + response.text();
        }
    }

    /**
     * A 401 that sets csrf, a 302 that sets session, and a 302 to a 401: the last hop carries the caller's own cookie
     * (none where the field is empty) and each the answers before it set, once.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1 | /login           | mine=1 | mine=1; csrf=t1",
        "HTTP/2   | /login           | mine=1 | mine=1; csrf=t1",
        "HTTP/1.1 | /moved           | mine=1 | mine=1; session=s1",
        "HTTP/2   | /moved           | mine=1 | mine=1; session=s1",
        "HTTP/1.1 | /moved?to=/login |        | session=s1; csrf=t1",
        "HTTP/2   | /moved?to=/login |        | session=s1; csrf=t1"})
    void sendsTheCookiesAFollowedUpAnswerSet(String protocol, String path, String own, String expected) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = client(protocol)) {
                Request.Builder request = Request.builder(url("http", path))
                        .credentials(Credentials.any("user", "pw"));
                if (own != null) {
                    request.header("Cookie", own);
                }
                assertEquals("200 " + protocol + " " + expected, answer(client.send(request.build())));
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/1.1", HTTP_2})
    void answersAWebSocketsChallengeWithTheCookieItSet(String protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = client(protocol)) {
                // Over HTTP/2 a WebSocket is a stream of a connection an earlier call left in the pool.
                assertEquals("403 " + protocol + " ", answer(client.send(Request.get(url("http", "/landing")))));
                Request open = Client.webSocketRequest(url("ws", "/ws")).header("Cookie", "mine=1")
                        .credentials(Credentials.any("user", "pw")).build();
                try (WebSocket webSocket = client.webSocket(open, WebSocketConfig.defaults())) {
                    WebSocketMessage greeting = webSocket.receive().orElseThrow();
                    assertEquals(protocol + " mine=1; csrf=t1", ((WebSocketMessage.Text) greeting).text());
                }
            }
        });
    }
}
