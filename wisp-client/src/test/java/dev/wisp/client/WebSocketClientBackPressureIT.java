package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The client's WebSocket sending to a scripted server that answers the upgrade and then reads nothing: the sender
 * blocks (nothing is queued) until the client's writeTimeout, then learns why it failed.
 */
class WebSocketClientBackPressureIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    /** Far more than the kernel's buffers on both ends hold, so the sender must block. */
    private static final int MAX_MESSAGES = 256;

    @Test
    void failsABlockedSendAtTheWriteTimeoutWithTheReason() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch testOver = new CountDownLatch(1);
            try (ServerSocket listener = new ServerSocket()) {
                listener.setReceiveBufferSize(4096);
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                Thread server = Thread.ofVirtual().start(() -> answerAndReadNothing(listener, testOver));
                ClientConfig config = ClientConfig.builder().writeTimeout(Duration.ofMillis(200)).build();
                try (Client client = Client.create(config)) {
                    WebSocket webSocket = client.webSocket("ws://127.0.0.1:" + listener.getLocalPort() + "/",
                            WebSocketConfig.defaults());
                    byte[] message = new byte[1 << 20];
                    SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> {
                        for (int i = 0; i < MAX_MESSAGES; i++) {
                            webSocket.sendBinary(message);
                        }
                    });
                    assertEquals("the peer did not take a write in time", e.getMessage());
                } finally {
                    testOver.countDown();
                    server.join();
                }
            }
        });
    }

    private static void answerAndReadNothing(ServerSocket listener, CountDownLatch testOver) {
        try (Socket socket = listener.accept()) {
            ScriptedWebSocketServer.answerUpgrade(socket);
            testOver.await();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
