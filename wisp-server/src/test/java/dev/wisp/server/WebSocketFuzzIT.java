package dev.wisp.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.FuzzBytes;
import dev.wisp.testing.LogCapture;
import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.testing.WebSocketFuzzScript;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded WebSocket traffic from a client ({@link WebSocketFuzzScript}: messages whole and in fragments, control frames
 * among them, a close; most of it broken at the frame or the byte level), after a valid handshake over a real socket,
 * written in up to four pieces cut anywhere, to a server that echoes every message. Unmutated, the server must echo
 * every message as sent and answer the close with 1000; otherwise echo messages until it fails the connection with
 * 1002, 1007 or 1009, or ends it when the client's bytes end, within a bound, with the code a break leaves no choice
 * about (an unmasked frame: 1002). The same again with permessage-deflate agreed (RFC 7692), a message that inflates
 * beyond the limit among them (1009). Afterwards no connection is left, nothing was logged as an error and a new
 * WebSocket echoes. The seed is {@code wisp.fuzz.seed}, the number of cases {@code wisp.fuzz.socketIterations}; a
 * failure names the seed, the case and its bytes.
 */
class WebSocketFuzzIT {
    /** Each message compressed alone, both ways, so that the test inflates each echo by itself. */
    private static final String DEFLATE_OFFER =
            "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover";

    /** What the server sent back: the messages it echoed, and its close code (-1 for no close frame). */
    private record Answer(List<Object> messages, int closeCode) {
    }

    @ParameterizedTest(name = "permessage-deflate {0}")
    @ValueSource(booleans = {false, true})
    void echoesValidMessagesOrFailsWithTheRightCloseCodeAndKeepsServing(boolean deflate) {
        Random random = new Random(FuzzBytes.SEED);
        WebSocketConfig config = WebSocketConfig.builder().maxFrameBytes(512).maxMessageBytes(1024)
                .permessageDeflate(deflate).closeTimeout(Duration.ofMillis(300)).build();
        Server server = TestServers.start(Router.builder().webSocket("/ws", config,
                request -> WebSocketListener.echo()).build());
        try (LogCapture log = LogCapture.of("dev.wisp")) {
            assertTimeoutPreemptively(FuzzBytes.RUN_BOUND, () -> {
                int failures = 0;
                for (int i = 0; i < FuzzBytes.ITERATIONS; i++) {
                    WebSocketFuzzScript script = WebSocketFuzzScript.next(random, deflate, true);
                    String what = "seed " + FuzzBytes.SEED + ", case " + i + ": " + script;
                    failures += play(server, script, FuzzBytes.split(script.wire(), random), deflate, what) ? 1 : 0;
                    log.assertNoErrors(what);
                }
                assertTrue(failures >= FuzzBytes.ITERATIONS / 10 && failures <= FuzzBytes.ITERATIONS * 9 / 10,
                        failures + " of " + FuzzBytes.ITERATIONS + " sessions failed: the cases are too alike");
                TestServers.awaitNoConnections(server);
                try (var peer = open(server, deflate)) {
                    byte[] after = "after".getBytes(UTF_8);
                    peer.raw().send(WebSocketFuzzScript.frame(0x81 | (deflate ? 0x40 : 0),
                            deflate ? WebSocketFuzzScript.deflate(after) : after, true, random));
                    assertEquals(List.of("after"), readAnswer(peer, 1).messages(), "a new WebSocket echoes");
                }
            });
        } finally {
            server.stop(Duration.ZERO);
        }
    }

    /**
     * Plays one script on a new WebSocket, its bytes in as many writes as pieces, checks the answer, and says whether
     * the server failed the connection.
     */
    private static boolean play(Server server, WebSocketFuzzScript script, List<byte[]> pieces, boolean deflate,
            String what)
            throws IOException {
        try (var peer = open(server, deflate)) {
            try {
                for (byte[] piece : pieces) {
                    peer.raw().send(piece);
                }
                peer.raw().shutdownOutput();
            } catch (IOException e) {
                // the server failed the connection before the last bytes went; what it sent is read below
            }
            Answer answer;
            try {
                answer = readAnswer(peer, Integer.MAX_VALUE);
            } catch (SocketTimeoutException e) {
                throw new AssertionError(what + ": the server neither answered nor ended the connection", e);
            }
            assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)), what + ": the connection ended");
            int code = answer.closeCode();
            assertTrue(code == -1 || code == 1005 || isSendable(code), what + ": closed with " + code);
            if (script.expectedCode() != 0) {
                assertEquals(script.expectedCode(), code, what);
            }
            if (!script.mutated()) {
                assertEquals(script.messages(), answer.messages(), what);
                assertEquals(1000, code, what + ": the close code sent back");
            }
            return WebSocketFuzzScript.FAILURE_CODES.contains(code);
        }
    }

    /**
     * Whether a close frame may carry the code (RFC 6455 §7.4): the server's own failure, or the client's code echoed,
     * which a byte changed in the script's close frame may have made any code a client may send.
     */
    private static boolean isSendable(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    private static ScriptedWebSocketPeer open(Server server, boolean deflate) throws IOException {
        ScriptedWebSocketPeer peer = deflate ? ScriptedWebSocketPeer.open(server.port(), "/ws", DEFLATE_OFFER)
                : ScriptedWebSocketPeer.open(server.port(), "/ws");
        String agreed = peer.handshake().header("Sec-WebSocket-Extensions").orElse("");
        assertEquals(deflate, agreed.contains("permessage-deflate"), "extensions agreed: " + agreed);
        return peer;
    }

    /**
     * Reads the server's frames until its close frame, the end of the connection or the given number of messages;
     * data messages are put together and inflated where compressed.
     */
    private static Answer readAnswer(ScriptedWebSocketPeer peer, int messages) throws IOException {
        List<Object> received = new ArrayList<>();
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int opcode = 0;
        boolean compressed = false;
        try {
            while (received.size() < messages) {
                ScriptedWebSocketPeer.Frame frame = peer.read();
                if (frame.opcode() == ScriptedWebSocketPeer.CLOSE) {
                    return new Answer(received, frame.closeCode());
                }
                if (frame.opcode() >= 0x8) {
                    continue; // a pong to a ping of the script
                }
                if (frame.opcode() != ScriptedWebSocketPeer.CONTINUATION) {
                    opcode = frame.opcode();
                    compressed = (frame.rsv() & 4) != 0;
                }
                message.writeBytes(frame.payload());
                if (frame.fin()) {
                    byte[] bytes = compressed ? WebSocketFuzzScript.inflate(message.toByteArray())
                            : message.toByteArray();
                    received.add(opcode == ScriptedWebSocketPeer.TEXT ? new String(bytes, UTF_8)
                            : HexFormat.of().formatHex(bytes));
                    message.reset();
                }
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return new Answer(received, -1); // ended without a close frame
        }
        return new Answer(received, -1);
    }
}
