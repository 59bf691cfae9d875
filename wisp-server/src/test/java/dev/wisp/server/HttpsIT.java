package dev.wisp.server;

import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.TestTransport;
import dev.wisp.tls.TlsSessionInfo;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpsIT {

    @BeforeAll
    static void chooseTheirOwnTransports() {
        assumeFalse(TestTransport.isTls(), "these tests choose TLS or plaintext per connection themselves");
    }

    private static Router routes() {
        return Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .get("/whoami", (request, response) -> response.send(request.connection().tls()
                        .map(tls -> tls.protocol() + " " + tls.alpnProtocol().orElse("-") + " "
                                + tls.peerCertificates().size())
                        .orElse("plaintext") + "\n"))
                .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                .build();
    }

    private static Server startHttps(ServerConfig.Builder config) {
        return TestServers.start(config.tls(TestTls.server().build()), routes());
    }

    @Test
    void servesCurlOverTlsWithTheCaItTrusts() throws Exception {
        String curl = PeerTools.require("curl").toString();
        try (Server server = startHttps(TestServers.config())) {
            PeerTools.Result result = PeerTools.run(Duration.ofSeconds(20), List.of(curl, "-sS", "--cacert",
                    TestTls.file("ca.pem"), "https://localhost:" + server.port() + "/whoami",
                    "https://localhost:" + server.port() + "/hello"));
            assertEquals(0, result.exitCode(), result.stderr());
            assertEquals("TLSv1.3 http/1.1 0\nhello\n", result.stdout());
        }
    }

    @Test
    void curlRefusesTheServerWithoutTheCaAndTheServerCountsTheFailedHandshake() throws Exception {
        String curl = PeerTools.require("curl").toString();
        try (Server server = startHttps(TestServers.config())) {
            PeerTools.Result result = PeerTools.run(Duration.ofSeconds(20),
                    List.of(curl, "-sS", "https://localhost:" + server.port() + "/hello"));
            assertEquals(60, result.exitCode(), result.stderr()); // curl: peer certificate cannot be verified
            awaitHandshakeFailures(server, 1);
            assertEquals(0, server.connectionCount());
        }
    }

    @Test
    void servesTheJdkHttpClientOverTls12AndKeepsTheConnection() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            BlockingQueue<ConnectionInfo> opened = new LinkedBlockingQueue<>();
            ConnectionListener listener = new ConnectionListener() {
                @Override
                public void opened(ConnectionInfo connection) {
                    opened.add(connection);
                }
            };
            try (Server server = TestServers.start(TestServers.config().connectionListener(listener)
                    .tls(TestTls.server().protocols("TLSv1.2").build()), routes());
                    HttpClient client = HttpClient.newBuilder().sslContext(TestTls.trustingClientContext())
                            .version(HttpClient.Version.HTTP_1_1).build()) {
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + server.port() + "/echo"))
                            .POST(HttpRequest.BodyPublishers.ofString("round " + i)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals("round " + i, response.body());
                }
                TlsSessionInfo tls = opened.take().tls().orElseThrow();
                assertEquals("TLSv1.2", tls.protocol());
                assertEquals("localhost", tls.serverName().orElseThrow());
                assertTrue(opened.isEmpty(), "three requests on one connection");
            }
        });
    }

    @Test
    void plaintextPortRedirectsEveryRequestToHttpsKeepingPathAndQuery() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (Server server = startHttps(TestServers.config().plaintextPort(0));
                    RawPeer peer = RawPeer.connect(server.plaintextPort().orElseThrow())) {
                peer.send("POST /upload?x=1 HTTP/1.1\r\nHost: example.test:8080\r\nContent-Length: 0\r\n\r\n");
                var response = peer.readResponse();
                assertEquals(308, response.status());
                assertEquals("https://example.test:" + server.port() + "/upload?x=1",
                        response.headers().first("Location").orElseThrow());
                peer.send("PROPFIND /dav HTTP/1.1\r\nHost: example.test\r\n\r\n"); // a method no route names
                var other = peer.readResponse();
                assertEquals(308, other.status());
                assertTrue(other.headers().first("Allow").isEmpty(), other.headers().toString());
            }
        });
    }

    /** A plaintext port in use is named as the one that failed (the HTTPS port was named, though free). */
    @Test
    void namesThePlaintextPortThatIsInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                    () -> startHttps(TestServers.config().plaintextPort(taken.getLocalPort())).close());
            assertTrue(refused.getMessage().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "),
                    refused.getMessage());
        }
    }

    @Test
    void plaintextPortRedirectOfAnAbsoluteFormTargetKeepsItsPathAndQueryAndTakesItsHost() {
        // RFC 9112 §3.2.2: for an absolute-form target the authority in it is the host, not the Host field.
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (Server server = startHttps(TestServers.config().plaintextPort(0));
                    RawPeer peer = RawPeer.connect(server.plaintextPort().orElseThrow())) {
                peer.send("GET http://example.test:8080/docs/a%20b.txt?x=1&y=%2F HTTP/1.1\r\n"
                        + "Host: other.test\r\n\r\n");
                var response = peer.readResponse();
                assertEquals(308, response.status());
                assertEquals("https://example.test:" + server.port() + "/docs/a%20b.txt?x=1&y=%2F",
                        response.headers().first("Location").orElseThrow());
                peer.send("GET http://example.test?x=1 HTTP/1.1\r\nHost: example.test\r\n\r\n");
                assertEquals("https://example.test:" + server.port() + "/?x=1",
                        peer.readResponse().headers().first("Location").orElseThrow());
            }
        });
    }

    @Test
    void plaintextPortServesTheRoutesWhenNotRedirecting() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (Server server = startHttps(TestServers.config().plaintextPort(0).redirectToHttps(false));
                    RawPeer peer = RawPeer.connect(server.plaintextPort().orElseThrow())) {
                peer.send("GET /whoami HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("plaintext\n", peer.readResponse().bodyText());
            }
        });
    }

    @Test
    void closesAStalledHandshakeAtItsTimeoutWhileServingOthers() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (Server server = TestServers.start(TestServers.config()
                    .tls(TestTls.server().handshakeTimeout(Duration.ofSeconds(1)).build()), routes());
                    Socket stalled = new Socket("127.0.0.1", server.port())) {
                HttpClient client = HttpClient.newBuilder().sslContext(TestTls.trustingClientContext())
                        .version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + server.port() + "/hello")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("hello\n", response.body());
                // At most an alert, then the end of the stream.
                byte[] rest = stalled.getInputStream().readAllBytes();
                assertTrue(rest.length == 0 || rest[0] == 21, "TLS alert record or nothing");
                awaitHandshakeFailures(server, 1);
                client.close();
            }
        });
    }

    /**
     * A full server with none idle ends the handshake that has taken the longest, over a second, to make room, as
     * it ends a slow request head: clients that drip their handshakes held every place for the handshake timeout.
     */
    @Test
    void endsTheSlowestHandshakeToMakeRoomWhenTheServerIsFull() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (Server server = TestServers.start(TestServers.config().maxConnections(1)
                    .overflowPolicy(OverflowPolicy.WAIT).tls(TestTls.server().build()), routes());
                    Socket stalled = new Socket("127.0.0.1", server.port())) {
                stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // a record header begun
                TestServers.awaitDescribed(server, connections -> connections.contains("state=busy"),
                        TestServers.CLOSE_WAIT);
                HttpClient client = HttpClient.newBuilder().sslContext(TestTls.trustingClientContext())
                        .version(HttpClient.Version.HTTP_1_1).build();
                long start = System.nanoTime();
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + server.port() + "/hello")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("hello\n", response.body());
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(),
                        "served after about a second, not at the handshake timeout (10 s)");
                byte[] rest = stalled.getInputStream().readAllBytes();
                assertTrue(rest.length == 0 || rest[0] == 21, "TLS alert record or nothing");
                awaitHandshakeFailures(server, 1);
                client.close();
            }
        });
    }

    @Test
    void answersAPlaintextRequestOnTheHttpsPortWithAReadable400AndCountsTheFailedHandshake() throws Exception {
        String curl = PeerTools.require("curl").toString();
        try (Server server = startHttps(TestServers.config())) {
            PeerTools.Result result = PeerTools.run(Duration.ofSeconds(20), List.of(curl, "-sS", "-w", "%{http_code}",
                    "http://127.0.0.1:" + server.port() + "/hello"));
            assertEquals(0, result.exitCode(), result.stderr());
            assertEquals("This port speaks HTTPS: ask for the https:// URL.\n400", result.stdout());
            awaitHandshakeFailures(server, 1);
            assertEquals(0, server.connectionCount());
        }
    }

    @Test
    void stillAnswersATlsClientHelloThatIsNotPlaintextWithAnAlertOnly() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (Server server = startHttps(TestServers.config());
                    Socket socket = new Socket("127.0.0.1", server.port())) {
                // An application data record before any handshake: the engine's business, not plaintext.
                socket.getOutputStream().write(new byte[] {0x17, 0x03, 0x03, 0x00, 0x01, 0x00});
                byte[] answer = socket.getInputStream().readAllBytes();
                assertNotEquals("HTTP", new String(answer, 0, Math.min(4, answer.length), StandardCharsets.US_ASCII));
                awaitHandshakeFailures(server, 1);
            }
        });
    }

    @Test
    void refusesAConnectionOverTheLimitByClosingIt() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch busy = new CountDownLatch(1);
            Router router = Router.builder().get("/block", (request, response) -> {
                busy.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                response.send("released\n");
            }).build();
            try (Server server = TestServers.start(TestServers.config().maxConnections(1)
                    .overflowPolicy(OverflowPolicy.REJECT).tls(TestTls.server().build()), router);
                    Socket first = TestTransport.wrapTls(new Socket("127.0.0.1", server.port()))) {
                first.getOutputStream().write("GET /block HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                busy.await();
                try (Socket second = new Socket("127.0.0.1", server.port())) {
                    assertEquals(0, second.getInputStream().readAllBytes().length, "closed without a word");
                }
                release.countDown();
                String answer = new String(first.getInputStream().readNBytes(17), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 200 OK\r\n", answer);
            }
        });
    }

    private static void awaitHandshakeFailures(Server server, long count) {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            while (server.tlsHandshakeFailures() < count) {
                Thread.onSpinWait();
            }
        });
    }
}
