package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.TimeoutExceededException.Timeout;
import dev.wisp.testing.BlackHoleListener;
import dev.wisp.testing.OpenSockets;
import dev.wisp.tls.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
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
                long fillers = OpenSockets.tcpConnectionsTo(blackHole.port());
                long start = System.nanoTime();
                TimeoutExceededException e = assertThrows(TimeoutExceededException.class,
                        () -> client.send(Request.get(url)));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(Timeout.CONNECT, e.timeout());
                assertEquals("connect to 127.0.0.1:" + blackHole.port() + " exceeded 400 ms (connectTimeout)",
                        e.getMessage());
                assertTrue(millis >= 380 && millis < 3000, millis + " ms");
                assertEquals(0, client.openConnections());
                assertEquals(fillers, OpenSockets.tcpConnectionsTo(blackHole.port()), "no socket left open");
            }
        });
    }

    @Test
    void anExplicitConnectionThatIsNeverAnsweredEndsAtTheConnectTimeout() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (BlackHoleListener blackHole = BlackHoleListener.open(InetAddress.getByName("127.0.0.1"))) {
                long fillers = OpenSockets.tcpConnectionsTo(blackHole.port());
                TimeoutExceededException e = assertThrows(TimeoutExceededException.class,
                        () -> ClientConnection.connect(Origin.plaintext("127.0.0.1", blackHole.port()),
                                ClientConfig.builder().connectTimeout(Duration.ofMillis(300)).build()));
                assertEquals(Timeout.CONNECT, e.timeout());
                assertEquals(fillers, OpenSockets.tcpConnectionsTo(blackHole.port()), "no socket left open");
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
                        .tls(TlsConfig.builder().handshakeTimeout(Duration.ofSeconds(1)).build()).build();
                warmUp(config);
                try (Client client = Client.create(config)) {
                    long start = System.nanoTime();
                    TimeoutExceededException e = assertThrows(TimeoutExceededException.class,
                            () -> client.send(Request.get("https://localhost:" + silent.getLocalPort() + "/")));
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    assertEquals(Timeout.HANDSHAKE, e.timeout());
                    assertEquals("TLS handshake with localhost:" + silent.getLocalPort()
                            + " exceeded 1000 ms (handshakeTimeout)", e.getMessage());
                    // Long enough for a cold JVM on a busy machine to make and send its ClientHello.
                    assertTrue(millis >= 980 && millis < 6000, millis + " ms, not the 10 s connect timeout");
                    assertEquals(0x16, firstByte.get(5, TimeUnit.SECONDS), "a TLS handshake record was sent");
                    assertTrue(closedByClient.get(5, TimeUnit.SECONDS), "the client closed the connection");
                    assertEquals(0, client.openConnections());
                }
            }
        });
    }

    /**
     * Reads the ClientHello until the client closes the connection, answering nothing. A connection that brings no
     * byte at all is skipped: a connection attempt left over from an earlier test may reach a listener that took
     * over its port.
     */
    private static void readAndSayNothing(ServerSocket listener, CompletableFuture<Integer> firstByte,
            CompletableFuture<Boolean> closedByClient) {
        try {
            for (int i = 0; i < 8 && !firstByte.isDone(); i++) {
                try (Socket socket = listener.accept(); InputStream in = socket.getInputStream()) {
                    int first = in.read();
                    if (first < 0) {
                        continue;
                    }
                    firstByte.complete(first);
                    byte[] buffer = new byte[4096];
                    while (in.read(buffer) >= 0) {
                        // the ClientHello, whole; the end of the stream comes when the client gives up
                    }
                    closedByClient.complete(true);
                }
            }
        } catch (IOException e) {
            firstByte.completeExceptionally(e);
            closedByClient.complete(e.getMessage() != null && e.getMessage().contains("reset"));
        }
    }

    /**
     * Makes a ClientHello once, so that a cold JVM on a busy machine has its TLS code loaded and compiled before
     * the timed handshake: otherwise making the first one can itself take longer than the handshake timeout.
     */
    private static void warmUp(ClientConfig config) throws IOException {
        SSLEngine engine = config.tlsContext().newClientEngine("localhost", 443);
        engine.beginHandshake();
        engine.wrap(ByteBuffer.allocate(0), ByteBuffer.allocate(engine.getSession().getPacketBufferSize()));
    }

}
