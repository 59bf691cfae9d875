package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.websocket.CloseCode;
import dev.wisp.websocket.CloseStatus;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The client's side of a closing handshake the server starts, against a scripted server on a real loopback socket.
 */
class WebSocketClientClosingIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    /** A close frame from the server: 1001 and the reason "bye". */
    private static final byte[] GOING_AWAY = HexFormat.of().parseHex("880503e9627965");

    @Test
    void endsCleanlyWhenTheServerResetsTheConnectionRightAfterItsCloseFrame() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Client client = Client.create()) {
                CompletableFuture<Void> server = CompletableFuture.runAsync(() -> closeAndReset(listener));
                WebSocket webSocket = client.webSocket("ws://127.0.0.1:" + listener.getLocalPort() + "/",
                        WebSocketConfig.defaults());
                server.get(10, TimeUnit.SECONDS);
                // The close frame arrived whole before the reset: the peer closed the WebSocket, so receive()
                // reports the close, although the echo of the close frame can no longer be sent.
                assertEquals(Optional.empty(), webSocket.receive());
                assertFalse(webSocket.isOpen());
                assertEquals(Optional.of(new CloseStatus(CloseCode.GOING_AWAY, "bye")), webSocket.peerCloseStatus(),
                        "receive()'s empty answer alone does not tell which close came");
            }
        });
    }

    /** Answers one upgrade, sends a close frame and ends the connection with a reset (SO_LINGER 0). */
    private static void closeAndReset(ServerSocket listener) {
        try (Socket socket = listener.accept()) {
            ScriptedWebSocketServer.answerUpgrade(socket);
            socket.getOutputStream().write(GOING_AWAY);
            socket.getOutputStream().flush();
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
