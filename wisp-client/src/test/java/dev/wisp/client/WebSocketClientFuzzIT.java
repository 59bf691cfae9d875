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
import java.util.zip.Deflater;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded mutations of valid WebSocket traffic from a server (RFC 6455), after a valid handshake over a real socket:
 * data messages whole and in fragments (text split inside a character), pings and pongs among them, a frame with a
 * 16-bit length, then a close frame; mutated at the frame level (reserved bits, opcode, FIN, mask, lengths not
 * minimal or too long, control frames over 125 bytes, invalid UTF-8 in text and in the close reason) and at the byte
 * level. The client must deliver the messages as sent when nothing was mutated, and otherwise deliver messages until
 * it fails the connection with 1002, 1007 or 1009, sending that code in its close frame, or reports the connection
 * closed, all within a bound. The same again with permessage-deflate agreed (RFC 7692): messages compressed, and
 * one that inflates beyond the limit (1009). The seed is {@code wisp.fuzz.seed}, the number of cases
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
                    Script script = script(random, deflate);
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

    private static Script script(Random random, boolean deflate) {
        List<Frame> frames = new ArrayList<>();
        List<Object> messages = new ArrayList<>();
        boolean bomb = false;
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            switch (random.nextInt(deflate ? 7 : 6)) {
                case 0 -> {
                    frames.addAll(message(0x1, "hello".getBytes(UTF_8), 0, deflate));
                    messages.add("hello");
                }
                case 1 -> {
                    List<Frame> fragments = message(0x2, new byte[] {1, 2, 3, 4}, 2, deflate);
                    frames.add(fragments.getFirst());
                    frames.add(new Frame(0x89, "ping".getBytes(UTF_8)));
                    frames.addAll(fragments.subList(1, fragments.size()));
                    messages.add("01020304");
                }
                case 2 -> {
                    frames.addAll(message(0x1, "h\u00e9llo \u20ac".getBytes(UTF_8), 8, deflate));
                    messages.add("h\u00e9llo \u20ac");
                }
                case 3 -> frames.add(new Frame(0x8a, new byte[0]));
                case 4 -> {
                    frames.addAll(message(0x1, LONG_TEXT.getBytes(UTF_8), 0, deflate));
                    messages.add(LONG_TEXT);
                }
                case 5 -> {
                    frames.addAll(message(0x2, new byte[0], 0, deflate));
                    messages.add("");
                }
                default -> {
                    // A few bytes that inflate beyond maxMessageBytes: 1009 (RFC 6455 §7.4.1).
                    frames.addAll(message(0x1, "a".repeat(4000).getBytes(UTF_8), 0, true));
                    bomb = true;
                }
            }
        }
        frames.add(new Frame(0x88, FuzzBytes.concat(new byte[] {0x03, (byte) 0xe8}, "bye".getBytes(UTF_8))));
        boolean mutated = random.nextInt(10) < 8;
        if (bomb && !mutated) {
            List<byte[]> whole = frames.stream().map(Frame::bytes).toList();
            return new Script(FuzzBytes.concat(whole.toArray(byte[][]::new)), messages, true, 1009);
        }
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
                expectedCode = bomb ? 0 : mutation.expectedCode(); // which break the client meets first depends
            } else {
                parts.add(frames.get(f).bytes());
            }
        }
        return new Script(FuzzBytes.concat(parts.toArray(byte[][]::new)), messages, mutated, expectedCode);
    }

    /**
     * The frames of a data message: one, or two when {@code cut} is more than 0 (the second a continuation from that
     * byte of the payload on). Compressed, the payload is the message deflated (RFC 7692 §7.2.1) and the first frame
     * has RSV1 set.
     */
    private static List<Frame> message(int opcode, byte[] message, int cut, boolean deflate) {
        byte[] payload = deflate ? deflate(message) : message;
        int first = opcode | (deflate ? 0x40 : 0);
        if (cut <= 0) {
            return List.of(new Frame(0x80 | first, payload));
        }
        int at = Math.min(cut, payload.length);
        return List.of(new Frame(first, Arrays.copyOf(payload, at)),
                new Frame(0x80, Arrays.copyOfRange(payload, at, payload.length)));
    }

    /** The bytes as one message deflated with its own context, without the 00 00 ff ff tail of the flush. */
    private static byte[] deflate(byte[] message) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(message);
            byte[] out = new byte[message.length + 64];
            int length = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            return Arrays.copyOf(out, length - 4);
        } finally {
            deflater.end();
        }
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
            case 0 -> {
                int reserved = first | 0x10 << random.nextInt(3);
                yield new Mutation(new Frame(reserved, payload).bytes(), reserved != first ? 1002 : 0);
            }
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
