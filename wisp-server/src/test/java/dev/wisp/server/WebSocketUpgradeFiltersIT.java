package dev.wisp.server;

import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.filters.AccessLog;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upgrade exchange of a WebSocket route goes through the service's filters like any exchange, over a real
 * socket: a filter sees the upgrade request and the 101 it was answered with, the access log writes its line, and
 * a filter that answers on its own keeps the connection from switching.
 */
class WebSocketUpgradeFiltersIT {
    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> accessLog = new LinkedBlockingQueue<>();
    private Server server;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .webSocket("/ws", WebSocketConfig.defaults(), request -> WebSocketListener.echo())
                .build();
        Filter recording = (request, response, next) -> {
            seen.add("request " + request.method() + " " + request.path() + " upgrade="
                    + request.headers().firstOrNull("Upgrade"));
            next.handle(request, response);
            seen.add("response " + response.status().code() + " committed=" + response.isCommitted()
                    + " upgrade=" + response.headers().firstOrNull("Upgrade")
                    + " connection=" + response.headers().firstOrNull("Connection")
                    + " accept=" + response.headers().firstOrNull("Sec-WebSocket-Accept")
                    + " content=" + response.contentBytesSent());
        };
        Filter guard = (request, response, next) -> {
            if (request.headers().contains("X-Refuse")) {
                response.status(403).send("refused by a filter\n");
            } else {
                response.header("X-Filtered", "yes");
                next.handle(request, response);
            }
        };
        server = TestServers.start(TestServers.config(), HttpService.builder(router)
                .filter(AccessLog.to(accessLog::add))
                .filter(recording)
                .filter(guard)
                .build());
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void filtersSeeTheUpgradeRequestAndItsSwitchingProtocolsResponse() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws", "User-Agent: probe/1")) {
                assertEquals("yes", peer.handshake().header("X-Filtered").orElse(null),
                        "a header a filter set goes out on the 101");
                assertEquals("request GET /ws upgrade=websocket", seen.poll(5, TimeUnit.SECONDS));
                assertEquals("response 101 committed=true upgrade=websocket connection=Upgrade accept="
                        + ScriptedWebSocketPeer.ACCEPT + " content=0", seen.poll(5, TimeUnit.SECONDS));
                String line = accessLog.poll(5, TimeUnit.SECONDS);
                assertTrue(line != null && line.matches("127\\.0\\.0\\.1 \"GET /ws HTTP/1\\.1\" 101 0 \\d+ms "
                        + "\"probe/1\""), String.valueOf(line));
                peer.sendText("after the filters");
                assertEquals("after the filters", peer.read().text());
                peer.sendClose(1000, "");
                assertEquals(1000, peer.readClose().closeCode());
            }
            assertEquals(0, accessLog.size(), "messages on the WebSocket are not exchanges");
        });
    }

    @Test
    void aFilterThatAnswersItselfKeepsTheConnectionOnHttp() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (RawPeer peer = RawPeer.connect(server.port())) {
                RawResponse refused = ScriptedWebSocketPeer.upgrade(peer, "/ws", "X-Refuse: 1");
                assertEquals(403, refused.status());
                assertEquals("refused by a filter\n", refused.bodyText());
                peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("hello\n", peer.readResponse().bodyText());
            }
            assertTrue(accessLog.poll(5, TimeUnit.SECONDS).contains("\"GET /ws HTTP/1.1\" 403 20 "));
            assertTrue(accessLog.poll(5, TimeUnit.SECONDS).contains("\"GET /hello HTTP/1.1\" 200 6 "));
        });
    }

    @Test
    void logsARefusedUpgradeWithTheRoutesAnswer() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (RawPeer peer = RawPeer.connect(server.port())) {
                peer.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + ScriptedWebSocketPeer.KEY + "\r\nSec-WebSocket-Version: 8\r\n\r\n");
                RawResponse refused = peer.readResponse();
                assertEquals(426, refused.status());
                assertEquals("13", refused.header("Sec-WebSocket-Version").orElse(null));
            }
            assertEquals("request GET /ws upgrade=websocket", seen.poll(5, TimeUnit.SECONDS));
            assertTrue(seen.poll(5, TimeUnit.SECONDS).startsWith("response 426 "));
            assertTrue(accessLog.poll(5, TimeUnit.SECONDS).contains("\"GET /ws HTTP/1.1\" 426 "));
        });
    }
}
