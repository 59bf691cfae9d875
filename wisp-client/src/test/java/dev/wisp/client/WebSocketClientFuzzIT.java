package dev.wisp.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of valid WebSocket traffic from a server (RFC 6455), after a valid handshake over a real socket:
 * data messages whole and in fragments (text split inside a character), pings and pongs among them, a frame with a
 * 16-bit length, then a close frame; mutated at the frame level (reserved bits, opcode, FIN, mask, lengths not
 * minimal or too long, control frames over 125 bytes, invalid UTF-8 in text and in the close reason) and at the byte
 * level. The client must deliver the messages as sent when nothing was mutated, and otherwise deliver messages until
 * it fails the connection with 1002, 1007 or 1009, sending that code in its close frame, or reports the connection
 * closed, all within a bound. The seed is {@code wisp.fuzz.seed}, the number of cases
 * {@code wisp.fuzz.socketIterations}; a failure names the seed, the case and its bytes.
 */
class WebSocketClientFuzzIT {
    private static final Set<Integer> FAILURE_CODES = Set.of(1002, 1007, 1009);
    private static final String LONG_TEXT = "0123456789".repeat(20);

    /** One frame from the server; unmasked, as a server's are, unless a mutation masks it. */
    private record Frame(int first, byte[] payload) {
        byte[] bytes() {
            return FuzzBytes.concat(header(first, false, payload.length, false), payload);
        }
    }

    /**
     * A script of frames, the messages the client must read from it, whether anything was mutated, and the close
     * code the client must fail the connection with when a frame was broken in a way that leaves no choice (0 when
     * it may go either way).
     */
    private record Script(byte[] wire, List<Object> messages, boolean mutated, int expectedCode) {
        @Override
        public String toString() {
            return (mutated ? "mutated" + (expectedCode != 0 ? " for " + expectedCode : "") + ": \"" : "\"")
                    + FuzzBytes.escape(wire) + "\"";
        }
    }

    /** A frame's bytes after a mutation, and the close code it leaves no choice about, or 0. */
    private record Mutation(byte[] bytes, int expectedCode) {
    }

    @Test
    void deliversValidMessagesOrFailsWithTheRightCloseCode() {
        Random random = new Random(FuzzBytes.SEED);
        WebSocketConfig config = WebSocketConfig.builder().maxFrameBytes(512).maxMessageBytes(1024)
                .closeTimeout(Duration.ofMillis(300)).build();
        assertTimeoutPreemptively(FuzzBytes.RUN_BOUND, () -> {
            try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                    Client client = Client.create()) {
                int failures = 0;
                for (int i = 0; i < FuzzBytes.ITERATIONS; i++) {
                    Script script = script(random);
                    String what = "seed " + FuzzBytes.SEED + ", case " + i + ": " + script;
                    CompletableFuture<Integer> closeCode = CompletableFuture.supplyAsync(() -> serve(listener,
                            script.wire()));
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
    private static boolean receiveAll(WebSocket webSocket, Script script, CompletableFuture<Integer> closeCode,
            String what) throws Exception {
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
            assertTrue(FAILURE_CODES.contains(protocol.closeCode()), what + ": " + protocol);
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
    private static int serve(ServerSocket listener, byte[] wire) {
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout((int) FuzzOutcome.CALL_BOUND.toMillis());
            ScriptedWebSocketServer.answerUpgrade(socket);
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

    private static Script script(Random random) {
        List<Frame> frames = new ArrayList<>();
        List<Object> messages = new ArrayList<>();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            switch (random.nextInt(6)) {
                case 0 -> {
                    frames.add(new Frame(0x81, "hello".getBytes(UTF_8)));
                    messages.add("hello");
                }
                case 1 -> {
                    frames.add(new Frame(0x02, new byte[] {1, 2}));
                    frames.add(new Frame(0x89, "ping".getBytes(UTF_8)));
                    frames.add(new Frame(0x80, new byte[] {3, 4}));
                    messages.add("01020304");
                }
                case 2 -> {
                    byte[] text = "h\u00e9llo \u20ac".getBytes(UTF_8);
                    frames.add(new Frame(0x01, Arrays.copyOf(text, 8)));
                    frames.add(new Frame(0x80, Arrays.copyOfRange(text, 8, text.length)));
                    messages.add("h\u00e9llo \u20ac");
                }
                case 3 -> frames.add(new Frame(0x8a, new byte[0]));
                case 4 -> {
                    frames.add(new Frame(0x81, LONG_TEXT.getBytes(UTF_8)));
                    messages.add(LONG_TEXT);
                }
                default -> {
                    frames.add(new Frame(0x82, new byte[0]));
                    messages.add("");
                }
            }
        }
        frames.add(new Frame(0x88, FuzzBytes.concat(new byte[] {0x03, (byte) 0xe8}, "bye".getBytes(UTF_8))));
        boolean mutated = random.nextInt(10) < 8;
        if (mutated && random.nextInt(4) == 0) {
            List<byte[]> whole = frames.stream().map(Frame::bytes).toList();
            return new Script(FuzzBytes.mutate(FuzzBytes.concat(whole.toArray(byte[][]::new)), random), messages,
                    true, 0);
        }
        int broken = mutated ? random.nextInt(frames.size()) : -1;
        List<byte[]> parts = new ArrayList<>();
        int expectedCode = 0;
        for (int f = 0; f < frames.size(); f++) {
            if (f == broken) {
                Mutation mutation = mutate(frames.get(f), random);
                parts.add(mutation.bytes());
                expectedCode = mutation.expectedCode();
            } else {
                parts.add(frames.get(f).bytes());
            }
        }
        return new Script(FuzzBytes.concat(parts.toArray(byte[][]::new)), messages, mutated, expectedCode);
    }

    /**
     * Breaks a frame in one of the ways a frame can be broken. Frames before it are valid, so where the break leaves
     * no choice the client must fail with its code: a reserved bit or opcode, a mask, a length not minimally encoded
     * (1002, RFC 6455 §5.2), a control frame over 125 bytes (1002, §5.5), invalid UTF-8 in a text message or a close
     * reason (1007, §8.1).
     */
    private static Mutation mutate(Frame frame, Random random) {
        byte[] payload = frame.payload();
        int first = frame.first();
        boolean control = (first & 0x08) != 0;
        boolean wholeText = first == 0x81 || first == 0x88;
        return switch (random.nextInt(9)) {
            case 0 -> new Mutation(new Frame(first | 0x10 << random.nextInt(3), payload).bytes(), 1002);
            case 1 -> {
                int opcode = random.nextInt(16);
                boolean reserved = (opcode >= 3 && opcode <= 7) || opcode >= 0xb;
                yield new Mutation(new Frame(first & 0xf0 | opcode, payload).bytes(), reserved ? 1002 : 0);
            }
            case 2 -> new Mutation(new Frame(first ^ 0x80, payload).bytes(), control ? 1002 : 0);
            case 3 -> new Mutation(FuzzBytes.concat(header(first, true, payload.length, false), new byte[4], payload),
                    1002);
            case 4 -> new Mutation(FuzzBytes.concat(header(first, false, payload.length, true), payload), 1002);
            case 5 -> new Mutation(FuzzBytes.concat(header(first, false, 126 + random.nextInt(2000), false), payload,
                    new byte[126 + random.nextInt(2000)]), control ? 1002 : 0);
            case 6 -> new Mutation(new Frame(first, FuzzBytes.concat(payload, new byte[] {(byte) 0xff, (byte) 0xc0}))
                    .bytes(), wholeText ? 1007 : 0);
            case 7 -> {
                byte[] longer = FuzzBytes.concat(payload, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                        new byte[random.nextInt(130)]);
                int code = control && longer.length > 125 ? 1002 : wholeText ? 1007 : 0;
                yield new Mutation(new Frame(first, longer).bytes(), code);
            }
            default -> new Mutation(new Frame(first, FuzzBytes.mutate(payload.length == 0 ? new byte[] {0}
                    : payload, random)).bytes(), 0);
        };
    }

    /**
     * A frame header: FIN, RSV and opcode in the first byte, then the length in the fewest bytes, or in the 64-bit
     * form when {@code longForm} (RFC 6455 §5.2 makes that an error for short lengths).
     */
    private static byte[] header(int first, boolean masked, int length, boolean longForm) {
        int mask = masked ? 0x80 : 0;
        if (longForm) {
            return ByteBuffer.allocate(10).put((byte) first).put((byte) (mask | 127)).putLong(length).array();
        }
        if (length < 126) {
            return new byte[] {(byte) first, (byte) (mask | length)};
        }
        if (length < 65_536) {
            return ByteBuffer.allocate(4).put((byte) first).put((byte) (mask | 126)).putShort((short) length).array();
        }
        return ByteBuffer.allocate(10).put((byte) first).put((byte) (mask | 127)).putLong(length).array();
    }
}
