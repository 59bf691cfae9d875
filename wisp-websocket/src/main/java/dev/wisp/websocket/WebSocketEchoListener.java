package dev.wisp.websocket;

import java.io.IOException;

/** {@link WebSocketListener#echo()}: each message goes back as it came. */
final class WebSocketEchoListener implements WebSocketListener {
    static final WebSocketEchoListener INSTANCE = new WebSocketEchoListener();

    private WebSocketEchoListener() {
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
