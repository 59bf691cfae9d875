package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's WebSocket against a scripted server on a real loopback socket that answers the upgrade and then
 * breaks RFC 6455 §5.2 on the wire: a payload length not minimally encoded, or a 64-bit length with its top bit
 * set. The client fails the connection with close code 1002.
 */
class WebSocketClientProtocolErrorsIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"817e0003616263", "817f0000000000000003616263", "827f8000000000000000"})
    void failsAFrameWhoseLengthBreaksTheEncodingRulesWith1002(String frameHex) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Client client = Client.create()) {
                CompletableFuture<Integer> closeCode = CompletableFuture.supplyAsync(() -> serve(listener,
                        HexFormat.of().parseHex(frameHex)));
                WebSocket webSocket = client.webSocket("ws://127.0.0.1:" + listener.getLocalPort() + "/",
                        WebSocketConfig.defaults());
                WebSocketProtocolException e = assertThrows(WebSocketProtocolException.class, webSocket::receive);
                assertEquals(1002, e.closeCode());
                assertEquals(1002, closeCode.get(10, TimeUnit.SECONDS), "the close frame the client sent");
            }
        });
    }

    /** Answers one upgrade with 101, sends the frame, and returns the code of the client's close frame. */
    private static int serve(ServerSocket listener, byte[] frame) {
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            ScriptedWebSocketServer.answerUpgrade(socket);
            out.write(frame);
            out.flush();
            // The client's close frame: masked, so 0x88, 0x80 | length, 4 key bytes, then the masked code.
            byte[] header = in.readNBytes(6);
            if ((header[0] & 0xff) != 0x88) {
                throw new IllegalStateException("not a close frame: " + HexFormat.of().formatHex(header));
            }
            byte[] code = in.readNBytes(2);
            return ((code[0] ^ header[2]) & 0xff) << 8 | ((code[1] ^ header[3]) & 0xff);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
