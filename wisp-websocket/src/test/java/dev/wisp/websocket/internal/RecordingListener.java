package dev.wisp.websocket.internal;

import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Records every event as a line of text, and counts down when the connection ends; optionally echoes. */
class RecordingListener implements WebSocketListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final CountDownLatch ended = new CountDownLatch(1);
    private final boolean echo;

    RecordingListener(boolean echo) {
        this.echo = echo;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        events.add("open");
    }

    @Override
    public void onText(WebSocket webSocket, String text) throws IOException {
        events.add("text " + text);
        if (echo) {
            webSocket.sendText(text);
        }
    }

    @Override
    public void onBinary(WebSocket webSocket, byte[] bytes) throws IOException {
        events.add("binary " + bytes.length);
        if (echo) {
            webSocket.sendBinary(bytes);
        }
    }

    @Override
    public void onPing(WebSocket webSocket, byte[] payload) {
        events.add("ping " + Wire.hex(payload));
    }

    @Override
    public void onPong(WebSocket webSocket, byte[] payload) {
        events.add("pong " + Wire.hex(payload));
    }

    @Override
    public void onClose(WebSocket webSocket, int code, String reason) {
        events.add("close " + code + " " + reason);
        ended.countDown();
    }

    @Override
    public void onError(WebSocket webSocket, IOException error) {
        events.add("error " + error.getClass().getSimpleName() + ": " + error.getMessage());
        ended.countDown();
    }

    List<String> awaitEnd() throws InterruptedException {
        if (!ended.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("connection did not end; events: " + events);
        }
        return List.copyOf(events);
    }
}
