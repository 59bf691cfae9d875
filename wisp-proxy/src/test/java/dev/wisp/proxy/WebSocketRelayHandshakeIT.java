package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.Client;
import dev.wisp.client.ClientConfig;
import dev.wisp.client.WebSocketRefusedException;
import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.LogCapture;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.WebSocketMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * The relay's answer to a client when the upstream takes the WebSocket upgrade but never answers it (504, as the
 * proxy's plain requests get), or answers with bytes that are no HTTP (502); either way the upstream's failure is
 * logged as a warning, and the client is not told the upstream's address. A refusal (4xx) is passed on whole, and
 * the end-to-end fields of a 101.
 */
class WebSocketRelayHandshakeIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void anUpstreamThatNeverAnswersTheUpgradeIsAGatewayTimeout() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch release = new CountDownLatch(1);
            try (ServerSocket upstream = new ServerSocket(0, 8, LOOPBACK)) {
                Thread.ofVirtual().start(() -> answer(upstream, null, release));
                try {
                    assertRefusedWith(504, upstream, "before the response exceeded 200 ms (readTimeout)");
                } finally {
                    release.countDown();
                }
            }
        });
    }

    @Test
    void anUpstreamThatAnswersNoHttpIsABadGateway() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket upstream = new ServerSocket(0, 8, LOOPBACK)) {
                Thread.ofVirtual().start(() -> answer(upstream, "SSH-2.0-OpenSSH_9.6\r\n\r\n",
                        new CountDownLatch(0)));
                assertRefusedWith(502, upstream, "malformed status line");
            }
        });
    }

    /**
     * An upstream's refusal reaches the client whole, as a proxied answer would: its status, its end-to-end fields (a
     * 401's challenge, a cookie) and its body, not the fields of its hop. Before, the client got the status alone
     * with the relay's own words, and could not know how to authenticate.
     */
    @Test
    void anUpstreamsRefusalReachesTheClientWithItsFieldsAndBody() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket upstream = new ServerSocket(0, 8, LOOPBACK)) {
                Thread.ofVirtual().start(() -> answer(upstream, "HTTP/1.1 401 Unauthorized\r\n"
                        + "WWW-Authenticate: Basic realm=\"chat\"\r\nSet-Cookie: tried=1\r\n"
                        + "Content-Type: text/plain\r\nContent-Length: 13\r\nX-Hop: 1\r\n"
                        + "Connection: close, X-Hop\r\n\r\nlog in first\n", new CountDownLatch(0)));
                try (LogCapture log = LogCapture.of(ReverseProxy.class.getName())) {
                    WebSocketRefusedException refused = refusedThroughRelay(upstream,
                            ReverseProxy.defaultClientConfig());
                    assertEquals(401, refused.status().code());
                    assertEquals("Basic realm=\"chat\"", refused.headers().firstOrNull("WWW-Authenticate"));
                    assertEquals("tried=1", refused.headers().firstOrNull("Set-Cookie"));
                    assertEquals("text/plain", refused.headers().firstOrNull("Content-Type"));
                    assertEquals(null, refused.headers().firstOrNull("X-Hop"), "a field of the upstream's hop");
                    assertEquals("log in first\n", new String(refused.body(), StandardCharsets.UTF_8));
                    assertTrue(log.records().stream().noneMatch(r -> r.getLevel() == Level.WARNING),
                            "a refusal is the upstream's answer, not its failure");
                }
            }
        });
    }

    /**
     * A refusal whose body is longer than the relay reads (64 KiB) keeps its status and fields, with a short text in
     * place of the body: the first 64 KiB of it went out as if whole before, an outside probe found.
     */
    @Test
    void anUpstreamsRefusalWithALongBodyIsNotPassedOnCut() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket upstream = new ServerSocket(0, 8, LOOPBACK)) {
                String page = "x".repeat(70_000);
                Thread.ofVirtual().start(() -> answer(upstream, "HTTP/1.1 403 Forbidden\r\n"
                        + "WWW-Authenticate: Basic realm=\"chat\"\r\nContent-Type: text/html\r\n"
                        + "Content-Length: " + page.length() + "\r\n\r\n" + page, new CountDownLatch(0)));
                WebSocketRefusedException refused = refusedThroughRelay(upstream, ReverseProxy.defaultClientConfig());
                assertEquals(403, refused.status().code());
                assertEquals("Basic realm=\"chat\"", refused.headers().firstOrNull("WWW-Authenticate"));
                assertEquals("text/plain; charset=utf-8", refused.headers().firstOrNull("Content-Type"));
                assertEquals("refused by the upstream server, with a body longer than the relay passes on\n",
                        new String(refused.body(), StandardCharsets.UTF_8));
            }
        });
    }

    /**
     * The end-to-end fields of the upstream's 101 reach the client's: a session cookie set at the upgrade, which
     * the relay dropped before.
     */
    @Test
    void theUpstreamsAnswerPassesItsCookieOn() {
        assertTimeoutPreemptively(LIMIT, () -> {
            HttpService upstreamService = HttpService.builder(Router.builder()
                            .webSocket("/ws", WebSocketConfig.defaults(), request -> WebSocketListener.echo())
                            .build())
                    .filter((request, response, next) -> {
                        response.header("Set-Cookie", "session=abc; HttpOnly").header("Set-Cookie", "theme=dark")
                                .header("X-Served-By", "upstream");
                        next.handle(request, response);
                    })
                    .build();
            try (Server upstream = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).build(),
                            upstreamService).start();
                    ReverseProxy proxy = ReverseProxy.builder("http://127.0.0.1:" + upstream.port()).build();
                    Server server = relayServer(proxy);
                    Client client = Client.create();
                    WebSocket webSocket = client.webSocket("ws://127.0.0.1:" + server.port() + "/ws",
                            WebSocketConfig.defaults())) {
                assertEquals(List.of("session=abc; HttpOnly", "theme=dark"),
                        webSocket.handshakeHeaders().all("Set-Cookie"), "every cookie (only the last, before)");
                assertEquals("upstream", webSocket.handshakeHeaders().firstOrNull("X-Served-By"));
                assertEquals(1, webSocket.handshakeHeaders().all("Sec-WebSocket-Accept").size(),
                        "the handshake's own fields are the relay's, once");
                webSocket.sendText("through");
                assertEquals(new WebSocketMessage.Text("through"), webSocket.receive().orElseThrow());
            }
        });
    }

    /** Opens a WebSocket through a relay to the upstream and checks the status it is refused with and the log. */
    private static void assertRefusedWith(int status, ServerSocket upstream, String logged) throws Exception {
        try (LogCapture log = LogCapture.of(ReverseProxy.class.getName())) {
            WebSocketRefusedException refused = refusedThroughRelay(upstream, ReverseProxy.defaultClientConfig()
                    .toBuilder().readTimeout(Duration.ofMillis(200)).build());
            assertEquals(status, refused.status().code());
            String body = new String(refused.body(), StandardCharsets.UTF_8);
            assertTrue(!body.contains(Integer.toString(upstream.getLocalPort())), body);
            LogRecord warning = log.records().stream().filter(r -> r.getLevel() == Level.WARNING).findFirst()
                    .orElseThrow(() -> new AssertionError("no warning logged"));
            assertTrue(warning.getMessage().startsWith("upstream failed: ")
                    && warning.getMessage().contains(logged), warning.getMessage());
        }
    }

    /**
     * The refusal a client's WebSocket handshake gets through a relay in front of this upstream, whose proxy uses this
     * client configuration.
     */
    private static WebSocketRefusedException refusedThroughRelay(ServerSocket upstream, ClientConfig proxyClient)
            throws Exception {
        try (ReverseProxy proxy = ReverseProxy.builder("http://127.0.0.1:" + upstream.getLocalPort())
                        .clientConfig(proxyClient).build();
                Server server = relayServer(proxy);
                Client client = Client.create()) {
            return assertThrows(WebSocketRefusedException.class,
                    () -> client.webSocket("ws://127.0.0.1:" + server.port() + "/x", WebSocketConfig.defaults(),
                            new WebSocketListener() { }));
        }
    }

    private static Server relayServer(ReverseProxy proxy) {
        WebSocketRelay relay = proxy.webSocketRelay(WebSocketConfig.defaults());
        return Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).build(),
                Router.builder().webSocket("/*", relay.config(), relay, proxy).build()).start();
    }

    /**
     * Reads one request head, writes the answer if there is one, then holds the connection until released (an
     * upstream that says nothing) or closes it.
     */
    private static void answer(ServerSocket upstream, String answer, CountDownLatch release) {
        try (Socket socket = upstream.accept()) {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            for (int b; !head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0; ) {
                head.append((char) b);
            }
            if (answer != null) {
                socket.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            release.await();
        } catch (IOException | InterruptedException e) {
            // the test has what it needs
        }
    }
}
