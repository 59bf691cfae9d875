package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.http2.FrameType;
import dev.wisp.http2.hpack.HpackField;
import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.testing.TestTransport;
import dev.wisp.testing.ThreadDumps;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket over HTTP/2 (RFC 8441) parks no thread while it waits for its next message, as one over HTTP/1.1
 * does: counted in a dump of this JVM's threads, virtual ones included, as the frames of a session's reading loop.
 * The sessions go on when their next message arrives, each on a fresh thread, and end with their streams.
 */
class Http2WebSocketIdleIT {
    private static final int WEBSOCKETS = 12;
    private static final String READING_LOOP = "WebSocketSession.read(";
    private static final int TEXT = 0x1;
    private static final int CLOSE = 0x8;

    private final BlockingQueue<String> ended = new LinkedBlockingQueue<>();

    @BeforeAll
    static void plaintextOnly() {
        assumeFalse(TestTransport.isTls(), "the HTTP/2 server here chooses its transport itself");
    }

    @Test
    void idleWebSocketsOverHttp2HoldNoThreadAndGoOnWhenAMessageArrives(@TempDir Path folder) throws Exception {
        try (Server server = Server.create(Http2TestServers.config().maxConcurrentStreams(WEBSOCKETS)
                        .maxPooledBuffers(0).port(0).build(),
                Router.builder().webSocket("/ws", WebSocketConfig.defaults(), request -> echo()).build()).start();
                Http2TestPeer peer = Http2TestPeer.connect(server)) {
            peer.handshake();
            Map<Integer, ByteArrayOutputStream> received = new HashMap<>();
            for (int i = 0; i < WEBSOCKETS; i++) {
                int stream = 2 * i + 1;
                peer.headers(stream, false, Http2TestPeer.fields(":method", "CONNECT", ":protocol", "websocket",
                        ":scheme", "http", ":authority", "localhost", ":path", "/ws", "sec-websocket-version", "13"));
                received.put(stream, new ByteArrayOutputStream());
            }
            for (int opened = 0; opened < WEBSOCKETS; ) {
                Http2TestPeer.Received frame = peer.next();
                if (frame.is(FrameType.HEADERS)) {
                    assertEquals(List.of(new HpackField(":status", "200")),
                            frame.fields().subList(0, 1), frame.toString());
                    opened++;
                }
            }
            exchangeOnEach(peer, received, "first");
            Thread.sleep(300); // past the 50 ms a new session waits on its own thread
            // A thread late to park on a loaded machine is still there at the first dump: its wait has begun.
            long reading = ThreadDumps.awaitNoneIn(READING_LOOP, folder, "idle", Duration.ofSeconds(5));
            assertEquals(0, reading, reading + " threads in a WebSocket's reading loop while nothing arrives");

            exchangeOnEach(peer, received, "second");
            for (int i = 0; i < WEBSOCKETS; i++) {
                peer.sendFrame(FrameType.DATA.code(), 0, 2 * i + 1,
                        ScriptedWebSocketPeer.frame(true, 0, CLOSE, new byte[] {0x03, (byte) 0xe8}, true));
            }
            int endedStreams = 0;
            while (endedStreams < WEBSOCKETS) {
                Http2TestPeer.Received frame = peer.next();
                assertTrue(frame.is(FrameType.DATA) || frame.is(FrameType.WINDOW_UPDATE), frame.toString());
                if (frame.is(FrameType.DATA) && frame.has(Http2TestPeer.END_STREAM)) {
                    endedStreams++;
                }
            }
            for (int i = 0; i < WEBSOCKETS; i++) {
                assertEquals("close 1000", ended.poll(5, TimeUnit.SECONDS));
            }
        }
    }

    /** Sends a text message on each WebSocket and reads every echo, whatever order the streams answer in. */
    private static void exchangeOnEach(Http2TestPeer peer, Map<Integer, ByteArrayOutputStream> received,
            String text) throws IOException {
        byte[] echo = ScriptedWebSocketPeer.frame(true, 0, TEXT, text.getBytes(StandardCharsets.UTF_8), false);
        for (int stream : received.keySet()) {
            received.get(stream).reset();
            peer.sendFrame(FrameType.DATA.code(), 0, stream,
                    ScriptedWebSocketPeer.frame(true, 0, TEXT, text.getBytes(StandardCharsets.UTF_8), true));
        }
        int complete = 0;
        while (complete < received.size()) {
            Http2TestPeer.Received frame = peer.next();
            if (frame.is(FrameType.DATA)) {
                ByteArrayOutputStream bytes = received.get(frame.streamId());
                bytes.writeBytes(frame.payload());
                if (bytes.size() == echo.length) {
                    assertArrayEquals(echo, bytes.toByteArray(), "the echo on stream " + frame.streamId());
                    complete++;
                }
            }
        }
    }

    private WebSocketListener echo() {
        return new WebSocketListener() {
            @Override
            public void onText(WebSocket webSocket, String text) throws IOException {
                webSocket.sendText(text);
            }

            @Override
            public void onClose(WebSocket webSocket, int code, String reason) {
                ended.add("close " + code);
            }

            @Override
            public void onError(WebSocket webSocket, IOException error) {
                ended.add("error " + error);
            }
        };
    }
}
