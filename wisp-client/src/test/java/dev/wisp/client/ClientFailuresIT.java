package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.TimeoutExceededException.Timeout;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every failure of a call gives its typed exception, says what failed, and leaves no connection open. */
class ClientFailuresIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final ClientConfig SHORT = ClientConfig.builder().connectTimeout(Duration.ofMillis(300))
            .readTimeout(Duration.ofMillis(200)).writeTimeout(Duration.ofMillis(200)).build();

    private static <E extends Throwable> E fails(Class<E> type, Client client, Request request) {
        E e = assertThrows(type, () -> client.send(request).bytes());
        assertEquals(0, client.openConnections(), "connections left open after " + e);
        return e;
    }

    @Test
    void reportsARefusedConnection() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        try (Client client = Client.create(SHORT)) {
            ConnectRefusedException e = fails(ConnectRefusedException.class, client,
                    Request.get("http://127.0.0.1:" + port + "/"));
            assertEquals("connection to 127.0.0.1:" + port + " (127.0.0.1) refused", e.getMessage());
        }
    }

    @Test
    void reportsAHostThatDoesNotResolve() {
        try (Client client = Client.create(SHORT.toBuilder().connectTimeout(Duration.ofSeconds(5)).build())) {
            HttpCallException e = assertThrows(HttpCallException.class,
                    () -> client.send(Request.get("http://wisp-test.invalid/")));
            // RFC 6761 §6.4: .invalid never resolves; a resolver slower than connectTimeout reports that instead.
            if (e instanceof UnresolvedHostException unresolved) {
                assertEquals("cannot resolve host 'wisp-test.invalid'", unresolved.getMessage());
            } else {
                assertEquals(Timeout.CONNECT, ((TimeoutExceededException) e).timeout());
            }
            assertEquals(0, client.openConnections());
        }
    }

    @Test
    void reportsAReadTimeoutWhenTheServerDoesNotAnswer() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch hold = new CountDownLatch(1);
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                self.readHead(socket.getInputStream());
                hold.await(10, TimeUnit.SECONDS);
            }); Client client = Client.create(SHORT)) {
                TimeoutExceededException e = fails(TimeoutExceededException.class, client,
                        Request.get(server.url("/stall")));
                assertEquals(Timeout.READ, e.timeout());
                assertEquals("GET " + server.url("/stall") + " before the response exceeded 200 ms (readTimeout)",
                        e.getMessage());
                hold.countDown();
            }
        });
    }

    @Test
    void theCallTimeoutCoversTheBody() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch hold = new CountDownLatch(1);
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        socket.getInputStream().read(new byte[4096]);
                        ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
                        hold.await(10, TimeUnit.SECONDS);
                    });
                    Client client = Client.create(SHORT.toBuilder().readTimeout(Duration.ofSeconds(5))
                            .callTimeout(Duration.ofMillis(300)).build())) {
                Response response = client.send(Request.get(server.url("/")));
                assertEquals(200, response.statusCode());
                TimeoutExceededException e = assertThrows(TimeoutExceededException.class, response::bytes);
                assertEquals(Timeout.CALL, e.timeout());
                assertTrue(e.getMessage().endsWith("in the middle of the response body exceeded 300 ms "
                        + "(callTimeout)"), e.getMessage());
                assertEquals(0, client.openConnections());
                hold.countDown();
            }
        });
    }

    @Test
    void aRequestsOwnTimeoutReplacesTheClients() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        socket.getInputStream().read(new byte[4096]);
                        ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n0123456789");
                        Thread.sleep(700);
                        ScriptedServer.write(socket, "0123456789");
                    });
                    Client client = Client.create(SHORT.toBuilder().readTimeout(Duration.ofSeconds(5))
                            .callTimeout(Duration.ofMillis(400)).build())) {
                Request patient = Request.builder(server.url("/")).timeout(Duration.ofSeconds(5)).build();
                try (Response response = client.send(patient)) {
                    assertEquals(20, response.bytes().length, "a longer timeout than the client's");
                }
                Request hasty = Request.builder(server.url("/")).timeout(Duration.ofMillis(300)).build();
                Response response = client.send(hasty);
                TimeoutExceededException e = assertThrows(TimeoutExceededException.class, response::bytes);
                assertEquals(Timeout.CALL, e.timeout());
                assertTrue(e.getMessage().endsWith("exceeded 300 ms (callTimeout)"), e.getMessage());
                assertThrows(IllegalArgumentException.class,
                        () -> Request.builder(server.url("/")).timeout(Duration.ZERO));
            }
        });
    }

    @Test
    void reportsAWriteTimeoutWhenTheServerReadsNothing() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch hold = new CountDownLatch(1);
            try (ScriptedServer server = ScriptedServer.start(
                        (socket, index, self) -> hold.await(10, TimeUnit.SECONDS));
                    Client client = Client.create(SHORT)) {
                byte[] big = new byte[64 * 1024 * 1024];
                TimeoutExceededException e = fails(TimeoutExceededException.class, client,
                        Request.builder(server.url("/")).method("PUT").body(new ByteArrayInputStream(big), big.length)
                                .build());
                assertEquals(Timeout.WRITE, e.timeout());
                hold.countDown();
            }
        });
    }

    @Test
    void reportsAResponseHeadOverTheLimitByTheClientsOptionName() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        self.readHead(socket.getInputStream());
                        ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\n" + "X-Many: yes\r\n".repeat(20) + "\r\n");
                    });
                    Client client = Client.create(SHORT.toBuilder().maxHeaderCount(10).build())) {
                ResponseProtocolException e = fails(ResponseProtocolException.class, client,
                        Request.get(server.url("/")));
                assertEquals("maxHeaderCount", e.limitName().orElseThrow());
                assertEquals("invalid response from " + Origin.plaintext("127.0.0.1", server.port())
                        + ": header section has more than 10 fields (maxHeaderCount)", e.getMessage());
            }
        });
    }

    @Test
    void reportsAChunkLineOverTheLimitByTheClientsOptionName() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        self.readHead(socket.getInputStream());
                        ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5;ext=" + "x".repeat(2000) + "\r\nhello\r\n0\r\n\r\n");
                    });
                    Client client = Client.create(SHORT)) {
                ResponseProtocolException e = assertThrows(ResponseProtocolException.class,
                        () -> client.send(Request.get(server.url("/"))).text());
                assertEquals("maxChunkLineBytes", e.limitName().orElseThrow(), e.getMessage());
            }
        });
    }

    @Test
    void reportsATruncatedChunkedBodyAResetMidBodyAndAnEmptyReply() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        self.readHead(socket.getInputStream());
                        if (index == 0) {
                            ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    + "5\r\nhello\r\n");
                        } else if (index > 1) {
                            socket.shutdownOutput(); // read the request, answer nothing: an empty reply
                        } else {
                            ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nabc");
                            socket.setSoLinger(true, 0);
                        }
                    });
                    Client client = Client.create(SHORT)) {
                ConnectionClosedException truncated = fails(ConnectionClosedException.class, client,
                        Request.get(server.url("/")));
                assertTrue(truncated.getMessage().contains("closed in the middle of the response body"),
                        truncated.getMessage());
                ConnectionClosedException reset = fails(ConnectionClosedException.class, client,
                        Request.get(server.url("/")));
                assertTrue(reset.getMessage().contains("in the middle of the response body"), reset.getMessage());
                ConnectionClosedException empty = fails(ConnectionClosedException.class, client,
                        Request.get(server.url("/")));
                assertTrue(empty.isEmptyReply(), empty.getMessage());
                assertFalse(truncated.isEmptyReply() || reset.isEmptyReply());
            }
        });
    }

    @Test
    void cancelingFromAnotherThreadFreesTheConnectionAtOnce() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch requested = new CountDownLatch(1);
            CountDownLatch hold = new CountDownLatch(1);
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        self.readHead(socket.getInputStream());
                        requested.countDown();
                        hold.await(10, TimeUnit.SECONDS);
                    });
                    Client client = Client.create(SHORT.toBuilder().readTimeout(Duration.ofSeconds(10)).build())) {
                Call call = client.call(Request.get(server.url("/")));
                var future = call.executeAsync();
                assertTrue(requested.await(5, TimeUnit.SECONDS));
                assertEquals(1, client.openConnections());
                call.cancel();
                assertEquals(0, client.openConnections());
                var e = assertThrows(java.util.concurrent.ExecutionException.class, future::get);
                assertTrue(e.getCause() instanceof CallCanceledException, e.getCause().toString());
                hold.countDown();
            }
        });
    }

    @Test
    void refusesACallBeyondTheQueueLimit() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        self.readHead(socket.getInputStream());
                        ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345");
                        socket.getInputStream().read();
                    });
                    Client client = Client.create(SHORT.toBuilder().maxConnectionsPerOrigin(1).maxQueuedRequests(0)
                            .build())) {
                try (Response held = client.send(Request.get(server.url("/")))) {
                    RequestQueueFullException e = assertThrows(RequestQueueFullException.class,
                            () -> client.send(Request.get(server.url("/"))));
                    assertTrue(e.getMessage().endsWith("0 calls wait already (maxQueuedRequests)"), e.getMessage());
                    assertEquals(200, held.statusCode());
                }
                assertEquals(0, client.openConnections());
            }
        });
    }
}
