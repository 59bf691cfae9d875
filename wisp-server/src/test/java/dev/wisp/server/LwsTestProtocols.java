package dev.wisp.server;

import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two protocols of libwebsockets' test server, served by Wisp so that libwebsockets' own test client can talk
 * to it (test code, not the library):
 * <ul>
 *   <li>{@value #DUMB_INCREMENT}: sends a rising number as text every 50 ms from 0; {@code "reset\n"} starts it
 *       again at 0;
 *   <li>{@value #MIRROR}: sends each text message to every connection on this protocol, the sender too.
 * </ul>
 * The test client's mirror connection draws circles until it has sent a random 16,384 to 81,919 of them; to keep
 * a test short, the mirror closes a connection (1000) once it has sent {@code mirrorLimit} messages and some
 * dumb-increment connection has counted to {@code countsBeforeClose} (-1: without waiting for one), so that both
 * protocols were seen working.
 *
 * <p>Thread-safe: its listeners run on each connection's thread; the counters run on threads of their own.
 */
final class LwsTestProtocols implements WebSocketHandler {
    static final String DUMB_INCREMENT = "dumb-increment-protocol";
    static final String MIRROR = "lws-mirror-protocol";
    /** The dumb-increment protocol's pace, as libwebsockets' test server sends. */
    private static final long COUNT_INTERVAL_MILLIS = 50;

    private final int mirrorLimit;
    private final int countsBeforeClose;
    private final Set<WebSocket> mirrors = ConcurrentHashMap.newKeySet();
    private final AtomicInteger highestCount = new AtomicInteger(-1);
    private final AtomicInteger mirrored = new AtomicInteger();

    LwsTestProtocols(int mirrorLimit, int countsBeforeClose) {
        this.mirrorLimit = mirrorLimit;
        this.countsBeforeClose = countsBeforeClose;
    }

    /** The route's configuration: both subprotocols, permessage-deflate as asked. */
    static WebSocketConfig config(boolean deflate) {
        return WebSocketConfig.builder().subprotocols(List.of(DUMB_INCREMENT, MIRROR)).permessageDeflate(deflate)
                .build();
    }

    /** How many messages the mirror received so far, from all its connections. */
    int mirrored() {
        return mirrored.get();
    }

    /** The highest number a dumb-increment connection sent so far, or -1. */
    int highestCount() {
        return highestCount.get();
    }

    @Override
    public WebSocketListener open(ServerRequest request) {
        return new WebSocketListener() {
            private volatile int next;

            @Override
            public void onOpen(WebSocket webSocket) {
                String protocol = webSocket.subprotocol().orElse("");
                if (protocol.equals(DUMB_INCREMENT)) {
                    Thread.ofVirtual().name("lws-dumb-increment").start(() -> count(webSocket));
                } else if (protocol.equals(MIRROR)) {
                    mirrors.add(webSocket);
                } else {
                    closeQuietly(webSocket, 1008, "no subprotocol: offer " + DUMB_INCREMENT + " or " + MIRROR);
                }
            }

            private void count(WebSocket webSocket) {
                try {
                    while (webSocket.isOpen()) {
                        int sent = next++;
                        webSocket.sendText(Integer.toString(sent));
                        highestCount.accumulateAndGet(sent, Math::max);
                        Thread.sleep(COUNT_INTERVAL_MILLIS);
                    }
                } catch (IOException | IllegalStateException | InterruptedException e) {
                    // the connection ended, as it does when the client goes
                }
            }

            @Override
            public void onText(WebSocket webSocket, String text) {
                if (webSocket.subprotocol().orElse("").equals(DUMB_INCREMENT)) {
                    if (text.equals("reset\n")) {
                        next = 0;
                    }
                    return;
                }
                int received = mirrored.incrementAndGet();
                for (WebSocket mirror : mirrors) {
                    try {
                        mirror.sendText(text);
                    } catch (IOException | IllegalStateException e) {
                        mirrors.remove(mirror);
                    }
                }
                if (received >= mirrorLimit && highestCount.get() >= countsBeforeClose) {
                    mirrors.remove(webSocket);
                    closeQuietly(webSocket, 1000, "enough circles");
                }
            }

            @Override
            public void onClose(WebSocket webSocket, int code, String reason) {
                mirrors.remove(webSocket);
            }

            @Override
            public void onError(WebSocket webSocket, IOException error) {
                mirrors.remove(webSocket);
            }
        };
    }

    private static void closeQuietly(WebSocket webSocket, int code, String reason) {
        try {
            webSocket.close(code, reason);
        } catch (IOException | IllegalStateException e) {
            // already closing
        }
    }
}
