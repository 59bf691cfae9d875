package dev.wisp.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A client-role session against a server-role session over real loopback sockets. */
class WebSocketSessionIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final WebSocketConfig CONFIG = WebSocketConfig.builder().closeTimeout(Duration.ofMillis(500))
            .maxMessageBytes(300_000).build();
    private static final Agreement DEFLATE = new Agreement(Optional.empty(),
            Optional.of(new PerMessageDeflate(false, false, 0)));

    private static RecordingListener serveEcho(SocketPair pair, WebSocketConfig config, Agreement agreement) {
        RecordingListener listener = new RecordingListener(true);
        pair.serverSession(config, agreement, listener);
        return listener;
    }

    @Test
    void refusesTextWithALoneSurrogateAndGoesOn() {
        // String.getBytes would have sent '?' in its place: a message changed unseen.
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SocketPair pair = new SocketPair()) {
                serveEcho(pair, CONFIG, Agreement.NONE);
                WebSocketSession client = pair.clientSession(CONFIG, Agreement.NONE, null);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> client.sendText("half \ud83d"));
                assertEquals("text message has a lone surrogate at index 5 (U+D83D): not Unicode text",
                        e.getMessage());
                client.sendText("whole \ud83d\ude00");
                assertEquals(Optional.of(new WebSocketMessage.Text("whole \ud83d\ude00")), client.receive());
            }
        });
    }

    @Test
    void echoesWholeAndStreamedMessagesWithAndWithoutDeflate() {
        assertTimeoutPreemptively(LIMIT, () -> {
            for (Agreement agreement : List.of(Agreement.NONE, DEFLATE)) {
                try (SocketPair pair = new SocketPair()) {
                    RecordingListener server = serveEcho(pair, CONFIG, agreement);
                    WebSocketSession client = pair.clientSession(CONFIG, agreement, null);
                    client.sendText("héllo");
                    assertEquals(Optional.of(new WebSocketMessage.Text("héllo")), client.receive());
                    byte[] big = new byte[200_000];
                    for (int i = 0; i < big.length; i++) {
                        big[i] = (byte) (i % 251);
                    }
                    client.sendBinary(big);
                    assertArrayEquals(big, ((WebSocketMessage.Binary) client.receive().orElseThrow()).bytes());
                    try (OutputStream stream = client.binaryStream()) {
                        stream.write(big, 0, 40_000);
                        stream.flush();
                        stream.write(big, 40_000, 60_000);
                    }
                    assertEquals(100_000, ((WebSocketMessage.Binary) client.receive().orElseThrow()).bytes().length);
                    try (Writer text = client.textStream()) {
                        text.write("stre");
                        text.flush();
                        text.write("amed 😀");
                    }
                    assertEquals(Optional.of(new WebSocketMessage.Text("streamed 😀")), client.receive());
                    client.close(1000, "bye");
                    assertFalse(client.isOpen());
                    assertEquals(List.of("open", "text héllo", "binary 200000", "binary 100000", "text streamed 😀",
                            "close 1000 bye"), server.awaitEnd());
                }
            }
        });
    }

    @Test
    void answersPingsAndReportsPongs() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SocketPair pair = new SocketPair()) {
                RecordingListener server = serveEcho(pair, CONFIG, Agreement.NONE);
                RecordingListener events = new RecordingListener(false);
                WebSocketSession client = pair.clientSession(CONFIG, Agreement.NONE, events);
                client.ping(new byte[] {1, 2});
                client.sendText("after ping");
                client.close(4000, "done");
                // The server echoes the code, not the reason.
                assertEquals(List.of("open", "pong 0102", "text after ping", "close 4000 "), events.awaitEnd());
                assertEquals(List.of("open", "ping 0102", "text after ping", "close 4000 done"), server.awaitEnd());
            }
        });
    }

    @Test
    void closesWith1009WhenTheMessageIsTooBig() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SocketPair pair = new SocketPair()) {
                RecordingListener server = serveEcho(pair, CONFIG, Agreement.NONE);
                RecordingListener events = new RecordingListener(false);
                WebSocketSession client = pair.clientSession(CONFIG, Agreement.NONE, events);
                client.sendBinary(new byte[300_001]);
                assertEquals(List.of("open", "close 1009 message exceeds 300000 bytes (maxMessageBytes)"),
                        events.awaitEnd());
                assertEquals(List.of("open", "error WebSocketProtocolException: message exceeds 300000 bytes "
                        + "(maxMessageBytes)"), server.awaitEnd());
            }
        });
    }

    @Test
    void failsAnUnmaskedClientFrameWith1002() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SocketPair pair = new SocketPair()) {
                RecordingListener server = serveEcho(pair, CONFIG, Agreement.NONE);
                // The raw client side writes as a server would: unmasked.
                WebSocketFrameWriter raw = new WebSocketFrameWriter(WireOutput.of(pair.client.output()), Role.SERVER);
                raw.writeFrame(Opcode.TEXT, true, false, Wire.utf8("x"), 0, 1);
                raw.flush();
                WebSocketFrameReader reader = new WebSocketFrameReader(WireInput.of(pair.client.input(),
                        SocketPair.POOL), Role.CLIENT, 1000, 1000, null);
                assertEquals("close 1002 frame from the client is not masked",
                        Deliveries.describe(reader.readNext()));
                pair.client.shutdownOutput();
                assertEquals(List.of("open", "error WebSocketProtocolException: frame from the client is not masked"),
                        server.awaitEnd());
            }
        });
    }

    @Test
    void takesASilentPeerForDeadAfterAnUnansweredPing() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SocketPair pair = new SocketPair()) {
                WebSocketConfig pinging = CONFIG.toBuilder().pingInterval(Duration.ofMillis(50))
                        .pongTimeout(Duration.ofMillis(150)).build();
                RecordingListener server = serveEcho(pair, pinging, Agreement.NONE);
                // The client side is a raw socket that never answers.
                assertEquals(List.of("open", "error SocketTimeoutException: no answer to a ping within 150 ms "
                        + "(pongTimeout)"), server.awaitEnd());
            }
        });
    }

    @Test
    void keepsALivePeerThatAnswersPings() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SocketPair pair = new SocketPair()) {
                WebSocketConfig pinging = CONFIG.toBuilder().pingInterval(Duration.ofMillis(30))
                        .pongTimeout(Duration.ofMillis(200)).build();
                RecordingListener server = serveEcho(pair, pinging, Agreement.NONE);
                RecordingListener events = new RecordingListener(false);
                WebSocketSession client = pair.clientSession(CONFIG, Agreement.NONE, events);
                // Pings keep coming for longer than the pong timeout; the connection lives through them.
                for (int i = 0; i < 500 && events.events.stream().filter(e -> e.startsWith("ping")).count() < 8; i++) {
                    Thread.sleep(10);
                }
                client.sendText("still here");
                client.close(1000, "");
                assertEquals("close 1000 ", events.awaitEnd().getLast());
                assertEquals(List.of("text still here", "close 1000 "), server.awaitEnd().stream()
                        .filter(e -> !e.startsWith("pong") && !e.equals("open")).toList());
            }
        });
    }

    @Test
    void givesUpOnAPeerThatNeverAnswersTheClose() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SocketPair pair = new SocketPair()) {
                WebSocketSession client = pair.clientSession(CONFIG, Agreement.NONE, null);
                long start = System.nanoTime();
                client.close(1001, "leaving");
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertFalse(pair.client.isOpen());
                assertEquals(true, millis >= 400 && millis < 5000, millis + " ms");
            }
        });
    }

    @Test
    void refusesToSendAfterClose() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SocketPair pair = new SocketPair()) {
                RecordingListener server = serveEcho(pair, CONFIG, Agreement.NONE);
                WebSocketSession client = pair.clientSession(CONFIG, Agreement.NONE, null);
                client.close();
                assertEquals("WebSocket close() was called: nothing more may be sent",
                        assertThrows(IllegalStateException.class, () -> client.sendText("late")).getMessage());
                assertEquals(List.of("open", "close 1000 "), server.awaitEnd());
                assertThrows(IllegalArgumentException.class, () -> client.close(1005, ""));
            }
        });
    }

    @Test
    void endsWithOnCloseAloneWhenOnCloseThrows() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SocketPair pair = new SocketPair()) {
                RecordingListener server = new RecordingListener(false) {
                    @Override
                    public void onClose(WebSocket webSocket, int code, String reason) {
                        super.onClose(webSocket, code, reason);
                        throw new IllegalStateException("the application's onClose has a bug");
                    }
                };
                WebSocketSession serverSession = new WebSocketSession(2, pair.server,
                        WireInput.of(pair.server.input(), SocketPair.POOL), SocketPair.POOL, Role.SERVER, CONFIG,
                        Agreement.NONE, server);
                WebSocketSession client = pair.clientSession(CONFIG, Agreement.NONE, null);
                Thread closing = Thread.ofVirtual().start(() -> {
                    try {
                        client.close(1000, "bye");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                // Run on this thread, so that every callback has been made when run() returns.
                assertEquals("websocket closed: 1000", serverSession.run(null));
                assertEquals(List.of("open", "close 1000 bye"), server.events, "exactly one of onClose and onError");
                closing.join();
            }
        });
    }
}
