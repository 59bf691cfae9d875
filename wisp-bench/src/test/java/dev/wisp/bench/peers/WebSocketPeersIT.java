package dev.wisp.bench.peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.client.Client;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every WebSocket peer of {@code websocket.sh} echoes a text message and a 64 KiB binary message unchanged on
 * {@code /echo}, twice on one connection, as the load client sends them. Ports 19380-19383.
 */
class WebSocketPeersIT {

    static Stream<Arguments> peers() {
        return Stream.of(
                Arguments.of("wisp", 19380, (PeerLauncher.Starter) WispWebSocketEcho::start),
                Arguments.of("java-websocket", 19381, (PeerLauncher.Starter) JavaWebSocketEcho::start),
                Arguments.of("netty", 19382, (PeerLauncher.Starter) NettyWebSocketEcho::start),
                Arguments.of("jetty", 19383, (PeerLauncher.Starter) JettyWebSocketEcho::start));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("peers")
    void echoesTextAndLargeBinaryMessagesTwiceOnOneConnection(String name, int port, PeerLauncher.Starter starter) {
        byte[] bytes = new byte[64 * 1024];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (AutoCloseable server = starter.start(port); Client client = Client.create();
                    WebSocket webSocket = client.webSocket("ws://" + Plaintext.HOST + ":" + port
                            + WebSocketEcho.PATH, WebSocketConfig.defaults())) {
                for (int i = 0; i < 2; i++) {
                    webSocket.sendText("hello, " + name);
                    assertEquals(new WebSocketMessage.Text("hello, " + name), webSocket.receive().orElseThrow());
                    webSocket.sendBinary(bytes);
                    WebSocketMessage echo = webSocket.receive().orElseThrow();
                    assertArrayEquals(bytes, ((WebSocketMessage.Binary) echo).bytes(), name);
                }
            }
        });
    }
}
