package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.RequestHead;
import dev.wisp.testing.AbstractSocketPeer;
import dev.wisp.testing.OpenSockets;
import dev.wisp.testing.PeerTools;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP and WebSocket over a Linux abstract Unix socket name, to a python3 server listening on it, with curl's
 * {@code --abstract-unix-socket} as the reference: the socket calls go through the FFM API (the multi-release jar's
 * Java 22 classes), under the same deadlines, close and half-close as every other connection.
 */
class AbstractUnixSocketIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private AbstractSocketPeer peer;

    @BeforeEach
    void start() throws Exception {
        peer = AbstractSocketPeer.start();
    }

    @AfterEach
    void stop() throws Exception {
        peer.close();
    }

    private ClientConfig.Builder config() {
        return ClientConfig.builder().socketOptions(SocketOptions.builder().abstractUnixSocket(peer.name()).build());
    }

    @Test
    void getsAndPostsOverOneKeptAliveConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create(config().build())) {
                assertEquals("GET /one on connection 1 for device.local",
                        client.send(Request.get("http://device.local/one")).text());
                assertEquals("POST /two on connection 1 for device.local: hello",
                        client.send(Request.builder("http://device.local/two").method("POST").body("hello").build())
                                .text());
                assertEquals("GET /three on connection 1 for device.local",
                        client.send(Request.get("http://device.local/three")).text());
                assertEquals(1, client.openConnections());
            }
        });
    }

    @Test
    void answersAsTheSamePeerAnswersCurl() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.Result curl = PeerTools.run(LIMIT, List.of(PeerTools.require("curl").toString(), "-s",
                    "--abstract-unix-socket", peer.name(), "http://device.local/same?q=1"));
            assertEquals(0, curl.exitCode(), curl.stderr());
            assertEquals("GET /same?q=1 on connection 1 for device.local", curl.stdout());
            try (Client client = Client.create(config().build())) {
                assertEquals("GET /same?q=1 on connection 2 for device.local",
                        client.send(Request.get("http://device.local/same?q=1")).text());
            }
        });
    }

    @Test
    void pipelinesRequestsOnTheConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ClientConnection connection = ClientConnection.connect(Origin.plaintext("device.local", 80),
                    config().pipelining(true).build())) {
                List<CompletableFuture<String>> texts = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    texts.add(connection.sendAsync(Request.get("http://device.local/p" + i)).thenApply(response -> {
                        try {
                            return response.text();
                        } catch (IOException e) {
                            throw new CompletionException(e);
                        }
                    }));
                }
                for (int i = 0; i < 5; i++) {
                    assertEquals("GET /p" + i + " on connection 1 for device.local", texts.get(i).join());
                }
            }
        });
    }

    @Test
    void endsAReadThatWaitsLongerThanTheReadTimeout() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create(config().readTimeout(Duration.ofMillis(200)).build())) {
                TimeoutExceededException e = assertThrows(TimeoutExceededException.class,
                        () -> client.send(Request.get("http://device.local/slow")));
                assertEquals(TimeoutExceededException.Timeout.READ, e.timeout());
                assertEquals(0, client.openConnections());
            }
        });
    }

    @Test
    void aCanceledCallClosesTheSocketUnderItsBlockedRead() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch sent = new CountDownLatch(1);
            EventListener listener = new EventListener() {
                @Override
                public void requestHeadersSent(Request request, RequestHead head) {
                    sent.countDown();
                }
            };
            try (Client client = Client.create(config().eventListener(listener).build())) {
                Call call = client.call(Request.get("http://device.local/slow")); // answered after 3 s
                CompletableFuture<Response> response = call.executeAsync();
                sent.await();
                call.cancel();
                CompletionException failure = assertThrows(CompletionException.class, response::join);
                assertEquals(CallCanceledException.class, failure.getCause().getClass());
                assertEquals(0, client.openConnections());
            }
        });
    }

    @Test
    void failsWithConnectRefusedForANameNobodyListensOn() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String missing = peer.name() + "-missing";
            SocketOptions options = SocketOptions.builder().abstractUnixSocket(missing).build();
            try (Client client = Client.create(ClientConfig.builder().socketOptions(options).build())) {
                ConnectRefusedException e = assertThrows(ConnectRefusedException.class,
                        () -> client.send(Request.get("http://device.local/")));
                assertEquals("connection to abstract Unix socket @" + missing + " (for device.local) refused",
                        e.getMessage());
            }
        });
    }

    @Test
    void echoesWebSocketMessages() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create(config().build());
                    WebSocket webSocket = client.webSocket("ws://device.local/echo", WebSocketConfig.builder()
                            .build())) {
                webSocket.sendText("über");
                assertEquals(Optional.of(new WebSocketMessage.Text("über")), webSocket.receive());
                webSocket.sendText("x".repeat(1000));
                assertEquals(Optional.of(new WebSocketMessage.Text("x".repeat(1000))), webSocket.receive());
            }
        });
    }

    /**
     * More requests wait for the peer at once than the virtual-thread scheduler has carriers: had a blocked native
     * read held its carrier, the request that releases them could not run, and the test would time out.
     */
    @Test
    void blockedReadsHoldNoCarrierThread() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                    Runtime.getRuntime().availableProcessors());
            int held = carriers + 2;
            try (Client client = Client.create(config().maxConnectionsPerOrigin(held + 1).build())) {
                List<CompletableFuture<Response>> holds = new ArrayList<>();
                for (int i = 0; i < held; i++) {
                    holds.add(client.sendAsync(Request.get("http://device.local/hold")));
                }
                assertEquals(200, client.send(Request.get("http://device.local/release?n=" + held)).statusCode());
                for (CompletableFuture<Response> hold : holds) {
                    assertEquals(200, hold.join().statusCode());
                }
            }
        });
    }

    /** Each connection's socket is closed with it: none is left once many have come and gone. */
    @Test
    void leavesNoDescriptorOpen() {
        assertTimeoutPreemptively(LIMIT, () -> {
            openAndClose(5); // loads the classes and starts the threads that stay
            long before = OpenSockets.unixSocketsOfThisProcess();
            openAndClose(100);
            assertEquals(before, OpenSockets.unixSocketsOfThisProcess());
        });
    }

    private void openAndClose(int connections) throws IOException {
        for (int i = 0; i < connections; i++) {
            try (Client client = Client.create(config().build())) {
                String text = client.send(Request.get("http://device.local/")).text(); // read whole: the pool has it
                assertTrue(text.startsWith("GET / on connection "), text);
            }
        }
    }


    @Test
    void refusesAProxyAndANameTooLong() {
        String tooLong = "n".repeat(108);
        assertEquals("an abstract Unix socket name takes 1 to 107 bytes in UTF-8: '" + tooLong + "'",
                assertThrows(IllegalArgumentException.class,
                        () -> SocketOptions.builder().abstractUnixSocket(tooLong).build()).getMessage());
        assertEquals("unixSocket and abstractUnixSocket exclude each other",
                assertThrows(IllegalArgumentException.class, () -> SocketOptions.builder().abstractUnixSocket("a")
                        .unixSocket(Path.of("/tmp/a")).build()).getMessage());
        try (Client client = Client.create(config().proxy(ProxyConfig.of("http://127.0.0.1:3128")).build())) {
            assertEquals("a proxy cannot be reached through an abstract Unix socket name",
                    assertThrows(ConnectFailedException.class,
                            () -> client.send(Request.get("http://device.local/"))).getMessage());
        }
    }
}
