package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.TimeoutExceededException.Timeout;
import dev.wisp.testing.BlackHoleListener;
import dev.wisp.tls.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The connect timeout and the TLS handshake timeout crossed for real on loopback: a listener whose accept queue is
 * full drops the SYN, and a listener that takes the connection reads the ClientHello and never answers. Each gives
 * its typed timeout after about its limit and leaves no socket open.
 */
class ConnectTimeoutsIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @Test
    void aConnectionAttemptThatIsNeverAnsweredEndsAtTheConnectTimeout() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (BlackHoleListener blackHole = BlackHoleListener.open(InetAddress.getByName("127.0.0.1"));
                    Client client = Client.create(ClientConfig.builder().connectTimeout(Duration.ofMillis(400))
                            .build())) {
                String url = "http://127.0.0.1:" + blackHole.port() + "/";
                long descriptors = openDescriptors();
                long start = System.nanoTime();
                TimeoutExceededException e = assertThrows(TimeoutExceededException.class,
                        () -> client.send(Request.get(url)));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(Timeout.CONNECT, e.timeout());
                assertEquals("connect to 127.0.0.1:" + blackHole.port() + " exceeded 400 ms (connectTimeout)",
                        e.getMessage());
                assertTrue(millis >= 380 && millis < 3000, millis + " ms");
                assertEquals(0, client.openConnections());
                assertTrue(openDescriptors() <= descriptors, "no socket left open");
            }
        });
    }

    @Test
    void anExplicitConnectionThatIsNeverAnsweredEndsAtTheConnectTimeout() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (BlackHoleListener blackHole = BlackHoleListener.open(InetAddress.getByName("127.0.0.1"))) {
                long descriptors = openDescriptors();
                TimeoutExceededException e = assertThrows(TimeoutExceededException.class,
                        () -> ClientConnection.connect(Origin.plaintext("127.0.0.1", blackHole.port()),
                                ClientConfig.builder().connectTimeout(Duration.ofMillis(300)).build()));
                assertEquals(Timeout.CONNECT, e.timeout());
                assertTrue(openDescriptors() <= descriptors, "no socket left open");
            }
        });
    }

    @Test
    void aServerThatNeverAnswersTheClientHelloEndsAtTheHandshakeTimeout() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket silent = new ServerSocket(0, 4, InetAddress.getByName("127.0.0.1"))) {
                CompletableFuture<Integer> firstByte = new CompletableFuture<>();
                CompletableFuture<Boolean> closedByClient = new CompletableFuture<>();
                Thread.ofVirtual().start(() -> readAndSayNothing(silent, firstByte, closedByClient));
                ClientConfig config = ClientConfig.builder().connectTimeout(Duration.ofSeconds(10))
                        .tls(TlsConfig.builder().handshakeTimeout(Duration.ofMillis(300)).build()).build();
                try (Client client = Client.create(config)) {
                    long start = System.nanoTime();
                    TimeoutExceededException e = assertThrows(TimeoutExceededException.class,
                            () -> client.send(Request.get("https://localhost:" + silent.getLocalPort() + "/")));
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertEquals(Timeout.HANDSHAKE, e.timeout());
                    assertEquals("TLS handshake with localhost:" + silent.getLocalPort()
                            + " exceeded 300 ms (handshakeTimeout)", e.getMessage());
                    assertTrue(millis >= 280 && millis < 5000, millis + " ms, not the 10 s connect timeout");
                    assertEquals(0x16, firstByte.get(5, TimeUnit.SECONDS), "a TLS handshake record was sent");
                    assertTrue(closedByClient.get(5, TimeUnit.SECONDS), "the client closed the connection");
                    assertEquals(0, client.openConnections());
                }
            }
        });
    }

    /** Accepts one connection, reads until the client closes it, answers nothing. */
    private static void readAndSayNothing(ServerSocket listener, CompletableFuture<Integer> firstByte,
            CompletableFuture<Boolean> closedByClient) {
        try (Socket socket = listener.accept(); InputStream in = socket.getInputStream()) {
            firstByte.complete(in.read());
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // the ClientHello, whole; the end of the stream comes when the client gives up
            }
            closedByClient.complete(true);
        } catch (IOException e) {
            firstByte.completeExceptionally(e);
            closedByClient.complete(e.getMessage() != null && e.getMessage().contains("reset"));
        }
    }

    /** The number of file descriptors this process has open: sockets included. */
    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
