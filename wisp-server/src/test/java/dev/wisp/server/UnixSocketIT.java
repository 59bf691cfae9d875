package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on a Unix domain socket ({@code ServerConfig.unixSocket}): curl over HTTP/1.1, h2c and TLS with h2 by
 * ALPN, a WebSocket written by hand, the per-client limit counting local peers as one, and the socket file's life: a
 * stale one replaced, a live one or a plain file refused, the file removed at stop.
 */
class UnixSocketIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path directory;
    private final List<Server> servers = new ArrayList<>();
    private final ConnectionEvents events = new ConnectionEvents();

    @AfterEach
    void stop() {
        servers.forEach(server -> server.stop(Duration.ZERO));
    }

    private Path socket() {
        return directory.resolve("wisp.sock");
    }

    private Server start(ServerConfig.Builder config) {
        Router router = Router.builder()
                .get("/who", (request, response) -> {
                    ConnectionInfo connection = request.connection();
                    response.send(connection.remoteAddress() + " " + connection.localAddress() + " "
                            + request.protocol().text() + "\n");
                })
                .post("/sha", (request, response) -> response.send(sha256(request.bodyBytes()) + "\n"))
                .webSocket("/ws", WebSocketConfig.defaults(), request -> WebSocketListener.echo())
                .build();
        Server server = Server.create(config.unixSocket(socket()).connectionListener(events).build(), router);
        servers.add(server.start());
        return server;
    }

    @Test
    void servesHttp11AndH2cToCurl() {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(ServerConfig.builder().http2(true));
            String unix = socket().toString();
            // Two requests on one connection, the peer and our end given as loopback with port 0.
            String reused = TestCurl.run("--unix-socket", unix, "-w", "%{num_connects}\n", "http://localhost/who",
                    "http://localhost/who").stdout();
            assertEquals("""
                    /127.0.0.1:0 /127.0.0.1:0 HTTP/1.1
                    1
                    /127.0.0.1:0 /127.0.0.1:0 HTTP/1.1
                    0
                    """, reused.replace("localhost", ""));
            assertEquals(1, events.opened().size(), events.opened().toString());
            assertEquals("/127.0.0.1:0 /127.0.0.1:0 HTTP/2\n2", TestCurl.run("--unix-socket", unix,
                    "--http2-prior-knowledge", "-w", "%{http_version}", "http://localhost/who").stdout()
                    .replace("localhost", ""));
            byte[] upload = new byte[3 << 20];
            new Random(5).nextBytes(upload);
            Path file = Files.write(directory.resolve("upload.bin"), upload);
            for (String version : List.of("--http1.1", "--http2-prior-knowledge")) {
                assertEquals(sha256(upload) + "\n", TestCurl.run("--unix-socket", unix, version, "--data-binary",
                        "@" + file, "http://localhost/sha").stdout(), version);
            }
        });
    }

    @Test
    void servesTlsWithH2ChosenByAlpn() {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(ServerConfig.builder().http2(true).tls(TestTls.server().build()));
            assertEquals("HTTP/2\n2", TestCurl.run("--unix-socket", socket().toString(), "--cacert",
                    TestTls.file("ca.pem"), "-w", "%{http_version}", "https://localhost/who").stdout()
                    .replaceAll("^.* ", ""));
            assertTrue(events.opened().getFirst().tls().isPresent());
        });
    }

    @Test
    void echoesAWebSocketMessage() {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(ServerConfig.builder());
            try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket()))) {
                write(channel, "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
                String head = readHead(channel);
                assertTrue(head.startsWith("HTTP/1.1 101 "), head);
                assertTrue(head.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), head);
                byte[] mask = {1, 2, 3, 4};
                byte[] text = "over a unix socket".getBytes(StandardCharsets.UTF_8);
                ByteArrayOutputStream frame = new ByteArrayOutputStream();
                frame.write(0x81);
                frame.write(0x80 | text.length);
                frame.writeBytes(mask);
                for (int i = 0; i < text.length; i++) {
                    frame.write(text[i] ^ mask[i % 4]);
                }
                channel.write(ByteBuffer.wrap(frame.toByteArray()));
                byte[] echo = readBytes(channel, 2 + text.length);
                assertEquals(0x81, echo[0] & 0xff);
                assertEquals(text.length, echo[1]);
                assertEquals("over a unix socket", new String(echo, 2, text.length, StandardCharsets.UTF_8));
            }
        });
    }

    @Test
    void everyLocalPeerIsOneClientForThePerClientLimit() {
        assertTimeoutPreemptively(LIMIT, () -> {
            start(ServerConfig.builder().maxConnectionsPerClient(1));
            try (SocketChannel first = SocketChannel.open(UnixDomainSocketAddress.of(socket()));
                    SocketChannel second = SocketChannel.open(UnixDomainSocketAddress.of(socket()))) {
                write(first, "GET /who HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertTrue(readHead(first).startsWith("HTTP/1.1 200 "));
                String refused = readHead(second);
                assertTrue(refused.startsWith("HTTP/1.1 503 "), refused);
            }
        });
    }

    @Test
    void replacesAStaleSocketFileRefusesALiveOneAndRemovesItsOwnAtStop() throws Exception {
        // A socket whose server has gone: the JDK leaves the file behind when a channel closes.
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(socket()));
        }
        assertTrue(Files.exists(socket()));
        Server server = start(ServerConfig.builder());
        assertTrue(TestCurl.run("--unix-socket", socket().toString(), "http://localhost/who").stdout()
                .endsWith(" HTTP/1.1\n"));
        IllegalStateException noPort = assertThrows(IllegalStateException.class, server::port);
        assertTrue(noPort.getMessage().contains(socket().toString()), noPort.getMessage());

        UncheckedIOException inUse = assertThrows(UncheckedIOException.class,
                () -> Server.create(ServerConfig.builder().unixSocket(socket()).build(), Router.builder().build())
                        .start());
        assertEquals("cannot listen on unix:" + socket() + ": " + socket() + " is in use: a server listens on it",
                inUse.getMessage());
        assertTrue(TestCurl.run("--unix-socket", socket().toString(), "http://localhost/who").stdout()
                .endsWith(" HTTP/1.1\n"), "the first server still serves");

        server.stop(Duration.ZERO);
        assertFalse(Files.exists(socket()), "removed at stop");

        Files.writeString(socket(), "not a socket");
        UncheckedIOException notASocket = assertThrows(UncheckedIOException.class,
                () -> Server.create(ServerConfig.builder().unixSocket(socket()).build(), Router.builder().build())
                        .start());
        assertTrue(notASocket.getMessage().endsWith(" exists and is not a socket: left as it is"),
                notASocket.getMessage());
        assertEquals("not a socket", Files.readString(socket()));
    }

    @Test
    void refusesAPathLongerThanTheKernelTakesAndAPlaintextPortBesideIt() {
        Path tooLong = directory.resolve("x".repeat(120));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder().unixSocket(tooLong).build());
        assertTrue(e.getMessage().startsWith("unixSocket path must be at most 107 bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServerConfig.builder().unixSocket(socket())
                .tls(TestTls.server().build()).plaintextPort(0).build());
    }

    private static void write(SocketChannel channel, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** Reads up to the end of a response head, byte by byte, so that nothing after it is taken. */
    private static String readHead(SocketChannel channel) throws IOException {
        StringBuilder head = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString().endsWith("\r\n\r\n")) {
            one.clear();
            if (channel.read(one) < 0) {
                break;
            }
            head.append((char) (one.get(0) & 0xff));
        }
        return head.toString();
    }

    private static byte[] readBytes(SocketChannel channel, int count) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(count);
        while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
            // reads until count bytes came
        }
        return bytes.array();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
