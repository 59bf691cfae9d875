package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.FuzzBytes;
import dev.wisp.testing.WebSocketFuzzScript;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import dev.wisp.websocket.WebSocketProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded WebSocket traffic from a server ({@link WebSocketFuzzScript}: messages whole and in fragments, control frames
 * among them, a close; most of it broken at the frame or the byte level), after a valid handshake over a real socket.
 * The client must deliver the messages as sent when nothing was mutated, and otherwise deliver messages until it fails
 * the connection with 1002, 1007 or 1009, sending that code in its close frame, or reports the connection closed, all
 * within a bound, with the code a break leaves no choice about (a masked frame: 1002). The same again with
 * permessage-deflate agreed (RFC 7692), a message that inflates beyond the limit among them (1009). The seed is
 * {@code wisp.fuzz.seed}, the number of cases {@code wisp.fuzz.socketIterations}; a failure names the seed, the case
 * and its bytes.
 */
class WebSocketClientFuzzIT {
    @ParameterizedTest(name = "permessage-deflate {0}")
    @ValueSource(booleans = {false, true})
    void deliversValidMessagesOrFailsWithTheRightCloseCode(boolean deflate) {
        Random random = new Random(FuzzBytes.SEED);
        WebSocketConfig config = WebSocketConfig.builder().maxFrameBytes(512).maxMessageBytes(1024)
                .permessageDeflate(deflate).closeTimeout(Duration.ofMillis(300)).build();
        assertTimeoutPreemptively(FuzzBytes.RUN_BOUND, () -> {
            try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                    Client client = Client.create()) {
                int failures = 0;
                for (int i = 0; i < FuzzBytes.ITERATIONS; i++) {
                    WebSocketFuzzScript script = WebSocketFuzzScript.next(random, deflate, false);
                    String what = "seed " + FuzzBytes.SEED + ", case " + i + ": " + script;
                    CompletableFuture<Integer> closeCode = CompletableFuture.supplyAsync(() -> serve(listener,
                            script.wire(), deflate));
                    failures += receiveAll(client.webSocket("ws://127.0.0.1:" + listener.getLocalPort() + "/",
                            config), script, closeCode, what) ? 1 : 0;
                }
                assertTrue(failures >= FuzzBytes.ITERATIONS / 10 && failures <= FuzzBytes.ITERATIONS * 9 / 10,
                        failures + " of " + FuzzBytes.ITERATIONS + " sessions failed: the cases are too alike");
                assertEquals(0, client.openConnections(), "connections left open");
            }
        });
    }

    /** Receives until the end, checks how it ended, and says whether the client failed the connection. */
    private static boolean receiveAll(WebSocket webSocket, WebSocketFuzzScript script,
            CompletableFuture<Integer> closeCode, String what) throws Exception {
        List<Object> received = new ArrayList<>();
        CompletableFuture<Throwable> end = new CompletableFuture<>();
        Thread.ofVirtual().name("fuzz-receive").start(() -> {
            try (webSocket) {
                for (Optional<WebSocketMessage> m = webSocket.receive(); m.isPresent(); m = webSocket.receive()) {
                    received.add(m.get() instanceof WebSocketMessage.Text text ? text.text()
                            : HexFormat.of().formatHex(((WebSocketMessage.Binary) m.get()).bytes()));
                }
                end.complete(null);
            } catch (Throwable e) {
                end.complete(e);
            }
        });
        Throwable failure;
        int sent;
        try {
            failure = end.get(FuzzOutcome.CALL_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            sent = closeCode.get(FuzzOutcome.CALL_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": the session did not end within " + FuzzOutcome.CALL_BOUND, e);
        }
        if (failure instanceof WebSocketProtocolException protocol) {
            assertTrue(WebSocketFuzzScript.FAILURE_CODES.contains(protocol.closeCode()), what + ": " + protocol);
            assertEquals(protocol.closeCode(), sent, what + ": the close code sent for " + protocol);
        } else if (failure != null && !(failure instanceof IOException)) {
            throw new AssertionError(what + ": failed with " + failure, failure);
        }
        if (script.expectedCode() != 0) {
            int code = failure instanceof WebSocketProtocolException protocol ? protocol.closeCode() : 0;
            assertEquals(script.expectedCode(), code, what + ": failed with " + failure);
        }
        if (!script.mutated()) {
            assertEquals(null, failure, what);
            assertEquals(script.messages(), received, what);
            assertEquals(1000, sent, what + ": the close code sent back");
        }
        return failure != null;
    }

    /**
     * Answers the next upgrade, writes the frames and ends its output, then returns the code of the client's close
     * frame, or -1 if the client closed the connection without one.
     */
    private static int serve(ServerSocket listener, byte[] wire, boolean deflate) {
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout((int) FuzzOutcome.CALL_BOUND.toMillis());
            ScriptedWebSocketServer.answerUpgrade(socket, deflate
                    ? "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n" : "");
            try {
                socket.getOutputStream().write(wire);
                socket.shutdownOutput();
            } catch (IOException e) {
                // the client failed the connection before the last bytes went
            }
            return clientCloseCode(socket.getInputStream());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads the client's frames (masked, as a client's are) up to its close frame, and returns its code. */
    private static int clientCloseCode(InputStream in) throws IOException {
        while (true) {
            byte[] head = in.readNBytes(2);
            if (head.length < 2) {
                return -1;
            }
            int length = head[1] & 0x7f;
            if (length == 126) {
                length = ByteBuffer.wrap(in.readNBytes(2)).getShort() & 0xffff;
            } else if (length == 127) {
                length = (int) ByteBuffer.wrap(in.readNBytes(8)).getLong();
            }
            byte[] mask = in.readNBytes(4);
            byte[] payload = in.readNBytes(length);
            if ((head[0] & 0x0f) == 0x8) {
                return payload.length < 2 ? 1005
                        : ((payload[0] ^ mask[0]) & 0xff) << 8 | ((payload[1] ^ mask[1]) & 0xff);
            }
        }
    }
}
