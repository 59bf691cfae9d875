package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.Client;
import dev.wisp.client.ClientConfig;
import dev.wisp.client.Http2Mode;
import dev.wisp.client.Request;
import dev.wisp.client.Response;
import dev.wisp.client.WebSocketRefusedException;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WebSockets through the proxy's relay to node's {@code ws} as the upstream (a peer nobody here wrote), opened by
 * Wisp's client over HTTP/1.1 and HTTP/2: messages both ways, closes both ways with their codes, the upstream's
 * refusal, the client's subprotocols offered upstream and the upstream's choice (or none) answered, and an upstream
 * that drops its connection.
 */
class WebSocketRelayIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** The upstream: tells what it received, echoes, and closes or drops on request. Arguments: port, ws module. */
    private static final String NODE_UPSTREAM = """
            const WebSocket = require(process.argv[2]);
            const port = Number(process.argv[1]);
            const server = new WebSocket.Server({ host: '127.0.0.1', port, maxPayload: 8 << 20,
                handleProtocols: (protocols, req) => req.url.startsWith('/v1/noproto') ? false : [...protocols][0],
                verifyClient: (info, done) => info.req.url.startsWith('/v1/deny')
                    ? done(false, 401, 'Unauthorized') : done(true) });
            server.on('connection', (socket, req) => {
                socket.on('error', () => {});
                socket.send(JSON.stringify({ url: req.url, protocol: socket.protocol,
                    xff: req.headers['x-forwarded-for'] || null, via: req.headers['via'] || null }));
                socket.on('message', (data, isBinary) => {
                    const text = isBinary ? null : data.toString();
                    if (text === 'close-me') socket.close(4002, 'done');
                    else if (text === 'drop-me') socket.terminate();
                    else socket.send(data, { binary: isBinary });
                });
                socket.on('close', (code, reason) => console.log(`closed ${code} ${reason}`));
            });
            server.on('listening', () => console.log(`upstream on ${port}`));
            """;
    private static final WebSocketConfig CONFIG = WebSocketConfig.builder().maxFrameBytes(4 << 20)
            .maxMessageBytes(4 << 20).subprotocols(List.of("chat.v2", "chat.v1")).build();

    private PeerProcess node;
    private int nodePort;
    private Server proxyServer;
    private ReverseProxy proxy;

    @BeforeEach
    void start() throws Exception {
        Path modules = PeerProcess.nodeModulesWithWs();
        nodePort = PeerProcess.freePort();
        node = PeerProcess.start(List.of(PeerTools.require("node").toString(), "-e", NODE_UPSTREAM,
                String.valueOf(nodePort), modules.resolve("ws").toAbsolutePath().toString()), Map.of(),
                "upstream on", Duration.ofSeconds(20));
        proxyServer = relayTo("http://127.0.0.1:" + nodePort + "/v1");
    }

    private Server relayTo(String upstream) {
        return relayTo(upstream, CONFIG);
    }

    private Server relayTo(String upstream, WebSocketConfig config) {
        proxy = ReverseProxy.builder(upstream).stripPrefix("/ws").build();
        WebSocketRelay relay = proxy.webSocketRelay(config);
        return Server.create(ServerConfig.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0)
                .http2(true).build(), Router.builder()
                        .webSocket("/ws/*", relay.config(), relay, proxy) // a plain GET goes to the proxy
                        .any("/ws/*", proxy)
                        .build()).start();
    }

    @AfterEach
    void stop() throws Exception {
        proxyServer.stop(Duration.ZERO);
        proxy.close();
        node.close();
    }

    @Test
    void messagesGoAcrossBothWaysAndTheClientsCloseReachesTheUpstream() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                Events events = new Events();
                WebSocket ws = client.webSocket("ws://127.0.0.1:" + proxyServer.port() + "/ws/room/1?x=y",
                        CONFIG.toBuilder().subprotocols(List.of("chat.v1", "other")).build(), events);
                String hello = events.text();
                assertTrue(hello.contains("\"url\":\"/v1/room/1?x=y\""), hello);
                assertTrue(hello.contains("\"protocol\":\"chat.v1\""), hello);
                assertTrue(hello.contains("\"xff\":\"127.0.0.1\""), hello);
                assertTrue(hello.contains("\"via\":\"1.1 wisp\""), hello);
                assertEquals("chat.v1", ws.subprotocol().orElseThrow());
                ws.sendText("héllo");
                assertEquals("héllo", events.text());
                byte[] large = new byte[1 << 20];
                new Random(3).nextBytes(large);
                ws.sendBinary(large);
                assertArrayEquals(large, events.binary());
                ws.close(4001, "bye");
                assertEquals("closed 4001 bye", node.output().await("closed",
                        Duration.ofSeconds(10)));
            }
        });
    }

    @Test
    void theUpstreamsCloseAndItsDropReachTheClient() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                Events events = new Events();
                WebSocket ws = client.webSocket("ws://127.0.0.1:" + proxyServer.port() + "/ws/a", CONFIG, events);
                events.text();
                ws.sendText("close-me");
                assertEquals("close 4002 done", events.next());

                Events dropped = new Events();
                WebSocket second = client.webSocket("ws://127.0.0.1:" + proxyServer.port() + "/ws/b", CONFIG,
                        dropped);
                dropped.text();
                second.sendText("drop-me");
                assertEquals("close 1014 upstream connection failed", dropped.next());
            }
        });
    }

    @Test
    void overHttp2TheRelayIsTheSame() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create(ClientConfig.builder().http2(Http2Mode.PRIOR_KNOWLEDGE).build())) {
                String base = "http://127.0.0.1:" + proxyServer.port();
                // A first call makes the HTTP/2 connection that the WebSocket then opens a stream on.
                try (Response plain = client.send(Request.get(base + "/ws/none"))) {
                    // ws's server answers a request that is no upgrade with 426: it went upstream, through the proxy.
                    assertEquals(426, plain.statusCode());
                    assertEquals("1.1 wisp", plain.headers().firstOrNull("Via"));
                }
                assertEquals(1, client.openConnections());
                Events events = new Events();
                WebSocket ws = client.webSocket(base.replace("http", "ws") + "/ws/h2", CONFIG, events);
                assertEquals(1, client.openConnections(), "the WebSocket is a stream of the HTTP/2 connection");
                String hello = events.text();
                assertTrue(hello.contains("\"via\":\"2 wisp\""), hello);
                ws.sendText("over h2");
                assertEquals("over h2", events.text());
                ws.close(4003, "h2 bye");
                assertEquals("closed 4003 h2 bye", node.output().await("closed",
                        Duration.ofSeconds(10)));
            }
        });
    }

    @ParameterizedTest(name = "over HTTP/2: {0}")
    @ValueSource(booleans = {false, true})
    void theClientsSubprotocolsAreOfferedUpstreamAndItsChoiceIsTheAnswer(boolean http2) {
        assertTimeoutPreemptively(LIMIT, () -> {
            proxyServer.stop(Duration.ZERO);
            proxy.close();
            // As wisp serve --proxy relays: the route lists no subprotocols of its own.
            proxyServer = relayTo("http://127.0.0.1:" + nodePort + "/v1", WebSocketConfig.defaults());
            try (Client client = Client.create(http2
                    ? ClientConfig.builder().http2(Http2Mode.PRIOR_KNOWLEDGE).build() : ClientConfig.defaults())) {
                String base = "http://127.0.0.1:" + proxyServer.port();
                if (http2) {
                    try (Response plain = client.send(Request.get(base + "/ws/none"))) {
                        assertEquals(426, plain.statusCode()); // the HTTP/2 connection the WebSocket goes on
                    }
                }
                WebSocketConfig offering = WebSocketConfig.builder().subprotocols(List.of("graphql-ws", "chat"))
                        .build();
                Events events = new Events();
                WebSocket ws = client.webSocket(base.replace("http", "ws") + "/ws/gql", offering, events);
                assertEquals("graphql-ws", ws.subprotocol().orElseThrow());
                String hello = events.text();
                assertTrue(hello.contains("\"protocol\":\"graphql-ws\""), hello);
                assertTrue(hello.contains(http2 ? "\"via\":\"2 wisp\"" : "\"via\":\"1.1 wisp\""), hello);
                ws.close();

                Events noneChosen = new Events();
                WebSocket plain = client.webSocket(base.replace("http", "ws") + "/ws/noproto", offering,
                        noneChosen);
                assertEquals(Optional.empty(), plain.subprotocol(), "the upstream chose none: so does the answer");
                assertTrue(noneChosen.text().contains("\"protocol\":\"\""));
                plain.sendText("still relayed");
                assertEquals("still relayed", noneChosen.text());
                plain.close();
            }
        });
    }

    @Test
    void theUpstreamsRefusalRefusesTheClient() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                String base = "ws://127.0.0.1:" + proxyServer.port();
                WebSocketRefusedException denied = assertThrows(WebSocketRefusedException.class,
                        () -> client.webSocket(base + "/ws/deny", CONFIG, new Events()));
                assertEquals(401, denied.status().code());
            }
            int closed;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closed = socket.getLocalPort();
            }
            proxyServer.stop(Duration.ZERO);
            proxy.close();
            proxyServer = relayTo("http://127.0.0.1:" + closed);
            try (Client client = Client.create()) {
                WebSocketRefusedException down = assertThrows(WebSocketRefusedException.class,
                        () -> client.webSocket("ws://127.0.0.1:" + proxyServer.port() + "/ws/x", CONFIG,
                                new Events()));
                assertEquals(502, down.status().code());
            }
        });
    }

    /** What a client's WebSocket heard, in order. */
    private static final class Events implements WebSocketListener {
        private final BlockingQueue<Object> heard = new LinkedBlockingQueue<>();

        @Override
        public void onText(WebSocket webSocket, String text) {
            heard.add(text);
        }

        @Override
        public void onBinary(WebSocket webSocket, byte[] bytes) {
            heard.add(bytes);
        }

        @Override
        public void onClose(WebSocket webSocket, int code, String reason) {
            heard.add("close " + code + " " + reason);
        }

        @Override
        public void onError(WebSocket webSocket, IOException error) {
            heard.add("error " + error);
        }

        Object nextEvent() throws InterruptedException {
            Object event = heard.poll(10, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("nothing heard in 10 s");
            }
            return event;
        }

        String next() throws InterruptedException {
            Object event = nextEvent();
            return event instanceof byte[] bytes ? "binary " + Arrays.toString(bytes) : (String) event;
        }

        String text() throws InterruptedException {
            return next();
        }

        byte[] binary() throws InterruptedException {
            Object event = nextEvent();
            if (event instanceof byte[] bytes) {
                return bytes;
            }
            throw new AssertionError("expected a binary message, heard " + event);
        }
    }
}
