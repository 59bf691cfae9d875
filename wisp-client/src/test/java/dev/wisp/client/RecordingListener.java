package dev.wisp.client;

import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket listener that notes what it hears as lines ("open", "text hi", "close 1000", "error ..."). */
public final class RecordingListener implements WebSocketListener {
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    /** The next event, waiting at most this long for it; null if none came. */
    public String next(long timeout, TimeUnit unit) throws InterruptedException {
        return events.poll(timeout, unit);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        events.add("open");
    }

    @Override
    public void onText(WebSocket webSocket, String text) {
        events.add("text " + text);
    }

    @Override
    public void onClose(WebSocket webSocket, int code, String reason) {
        events.add("close " + code);
    }

    @Override
    public void onError(WebSocket webSocket, IOException error) {
        events.add("error " + error.getMessage());
    }
}
