package dev.wisp.server;

import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;

/**
 * A WebSocket listener that echoes every message as it came, text as text and binary as binary; a test that also
 * records events extends it.
 */
class EchoListener implements WebSocketListener {
    /** A started server with this echo at {@code /ws}. */
    static Server serve(WebSocketConfig config) {
        return TestServers.start(Router.builder().webSocket("/ws", config, request -> new EchoListener()).build());
    }

    @Override
    public void onText(WebSocket webSocket, String text) throws IOException {
        webSocket.sendText(text);
    }

    @Override
    public void onBinary(WebSocket webSocket, byte[] bytes) throws IOException {
        webSocket.sendBinary(bytes);
    }
}
