package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.websocket.WebSocketConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The client's WebSocket upgrade against a server on a real loopback socket that takes the request and then answers
 * nothing, half a status line, or bytes that are no HTTP: each failure is the typed exception a plain call gets (a
 * timeout naming readTimeout, a broken or closed answer), never a bare I/O error without a message.
 */
class WebSocketUpgradeFailuresIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final Duration READ_TIMEOUT = Duration.ofMillis(200);

    @Test
    void anUpgradeThatGetsNoAnswerExceedsTheReadTimeout() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch done = new CountDownLatch(1);
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Client client = Client.create(ClientConfig.builder().readTimeout(READ_TIMEOUT).build())) {
                CompletableFuture.runAsync(() -> answer(listener, null, done));
                String url = "ws://127.0.0.1:" + listener.getLocalPort() + "/silent";
                TimeoutExceededException e = assertThrows(TimeoutExceededException.class,
                        () -> client.webSocket(url, WebSocketConfig.defaults()));
                assertEquals(TimeoutExceededException.Timeout.READ, e.timeout());
                assertEquals("GET http://127.0.0.1:" + listener.getLocalPort()
                        + "/silent before the response exceeded 200 ms (readTimeout)", e.getMessage());
            } finally {
                done.countDown();
            }
        });
    }

    @Test
    void anAnswerCutInItsStatusLineIsAClosedConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Client client = Client.create(ClientConfig.builder().readTimeout(READ_TIMEOUT).build())) {
                CompletableFuture.runAsync(() -> answer(listener, "HTTP/1.1 10", new CountDownLatch(0)));
                ConnectionClosedException e = assertThrows(ConnectionClosedException.class, () -> client.webSocket(
                        "ws://127.0.0.1:" + listener.getLocalPort() + "/half", WebSocketConfig.defaults()));
                assertTrue(e.getMessage().startsWith("connection to http://127.0.0.1:" + listener.getLocalPort()
                        + " closed before the response: stream ended in the middle of a line"), e.getMessage());
            }
        });
    }

    @Test
    void anAnswerThatIsNoHttpIsAResponseProtocolException() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Client client = Client.create(ClientConfig.builder().readTimeout(READ_TIMEOUT).build())) {
                CompletableFuture.runAsync(() -> answer(listener, "SSH-2.0-OpenSSH_9.6\r\n\r\n",
                        new CountDownLatch(0)));
                ResponseProtocolException e = assertThrows(ResponseProtocolException.class, () -> client.webSocket(
                        "ws://127.0.0.1:" + listener.getLocalPort() + "/ssh", WebSocketConfig.defaults()));
                assertTrue(e.getMessage().startsWith("invalid response from "), e.getMessage());
            }
        });
    }

    /**
     * Reads the upgrade request, writes the answer if there is one, then holds the connection until released (a
     * server that says nothing) or closes it.
     */
    private static void answer(ServerSocket listener, String answer, CountDownLatch release) {
        try (Socket socket = listener.accept()) {
            ScriptedWebSocketServer.readHead(socket.getInputStream());
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
