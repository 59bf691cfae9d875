package dev.wisp.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Seeded WebSocket traffic from one side (RFC 6455), for the fuzz tests of the other: data messages whole and in
 * fragments (text split inside a character), pings and pongs among them, a frame with a 16-bit length, then a close
 * frame with 1000; most scripts mutated at the frame level (reserved bits, opcode, FIN, the wrong masking, lengths not
 * minimal or too long, control frames over 125 bytes, invalid UTF-8 in text and in the close reason) or at the byte
 * level. With permessage-deflate (RFC 7692) messages are compressed, each with its own context, and one may inflate
 * beyond a {@code maxMessageBytes} of 1,024 (1009). The receiver is expected to run with {@code maxFrameBytes(512)}
 * and {@code maxMessageBytes(1024)}.
 *
 * @param wire the bytes to send
 * @param messages the messages the receiver must deliver when nothing was mutated: a text as its string, a binary
 *     message as its bytes in hexadecimal
 * @param mutated whether anything was broken
 * @param expectedCode the close code the receiver must fail the connection with when a frame was broken in a way that
 *     leaves no choice, or 0 when it may go either way
 */
public record WebSocketFuzzScript(byte[] wire, List<Object> messages, boolean mutated, int expectedCode) {
    /** The codes a receiver fails a connection with for what it was sent. */
    public static final Set<Integer> FAILURE_CODES = Set.of(1002, 1007, 1009);
    private static final String LONG_TEXT = "0123456789".repeat(20);

    /** One frame before masking. */
    private record Frame(int first, byte[] payload) {
    }

    /** A frame's bytes after a mutation, and the close code it leaves no choice about, or 0. */
    private record Mutation(byte[] bytes, int expectedCode) {
    }

    /**
     * The next script of the seeded random.
     *
     * @param deflate whether permessage-deflate was agreed
     * @param masked whether the sender is a client, whose frames are masked (a server's are not)
     */
    public static WebSocketFuzzScript next(Random random, boolean deflate, boolean masked) {
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
            return new WebSocketFuzzScript(wire(frames, masked, random), messages, true, 1009);
        }
        if (mutated && random.nextInt(4) == 0) {
            return new WebSocketFuzzScript(FuzzBytes.mutate(wire(frames, masked, random), random), messages, true, 0);
        }
        int broken = mutated ? random.nextInt(frames.size()) : -1;
        List<byte[]> parts = new ArrayList<>();
        int expectedCode = 0;
        for (int f = 0; f < frames.size(); f++) {
            Frame frame = frames.get(f);
            if (f == broken) {
                Mutation mutation = mutate(frame, masked, random);
                parts.add(mutation.bytes());
                expectedCode = bomb ? 0 : mutation.expectedCode(); // which break the receiver meets first depends
            } else {
                parts.add(frame(frame.first(), frame.payload(), masked, random));
            }
        }
        return new WebSocketFuzzScript(FuzzBytes.concat(parts.toArray(byte[][]::new)), messages, mutated,
                expectedCode);
    }

    /**
     * The bytes of one frame: FIN, RSV and opcode in {@code first}, the length in the fewest bytes and, masked, a key
     * from the seeded random and the payload masked with it (RFC 6455 §5.3).
     */
    public static byte[] frame(int first, byte[] payload, boolean masked, Random random) {
        return frame(first, payload, payload.length, masked, false, random);
    }

    /** The bytes as one message deflated with its own context, without the 00 00 ff ff tail of the flush. */
    public static byte[] deflate(byte[] message) {
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

    /** One compressed message as sent with its own context (no context takeover), inflated. */
    public static byte[] inflate(byte[] payload) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(FuzzBytes.concat(payload, new byte[] {0, 0, (byte) 0xff, (byte) 0xff}));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[1024];
            int n;
            while ((n = inflater.inflate(chunk)) > 0) {
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new AssertionError("a compressed message does not inflate", e);
        } finally {
            inflater.end();
        }
    }

    @Override
    public String toString() {
        return (mutated ? "mutated" + (expectedCode != 0 ? " for " + expectedCode : "") + ": \"" : "\"")
                + FuzzBytes.escape(wire) + "\"";
    }

    private static byte[] wire(List<Frame> frames, boolean masked, Random random) {
        return FuzzBytes.concat(frames.stream().map(frame -> frame(frame.first(), frame.payload(), masked, random))
                .toArray(byte[][]::new));
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

    /**
     * Breaks a frame in one of the ways a frame can be broken. Frames before it are valid, so where the break leaves
     * no choice the receiver must fail with its code: a reserved bit or opcode, the wrong masking (a client's frame
     * unmasked, a server's masked), a length not minimally encoded (1002, RFC 6455 §5.1 and §5.2), a control frame
     * over 125 bytes (1002, §5.5), invalid UTF-8 in a text message or a close reason (1007, §8.1).
     */
    private static Mutation mutate(Frame frame, boolean masked, Random random) {
        byte[] payload = frame.payload();
        int first = frame.first();
        boolean control = (first & 0x08) != 0;
        boolean wholeText = first == 0x81 || first == 0x88;
        return switch (random.nextInt(9)) {
            case 0 -> {
                int reserved = first | 0x10 << random.nextInt(3);
                yield new Mutation(frame(reserved, payload, masked, random), reserved != first ? 1002 : 0);
            }
            case 1 -> {
                int opcode = random.nextInt(16);
                boolean reserved = (opcode >= 3 && opcode <= 7) || opcode >= 0xb;
                yield new Mutation(frame(first & 0xf0 | opcode, payload, masked, random), reserved ? 1002 : 0);
            }
            case 2 -> new Mutation(frame(first ^ 0x80, payload, masked, random), control ? 1002 : 0);
            case 3 -> new Mutation(frame(first, payload, !masked, random), 1002);
            case 4 -> new Mutation(frame(first, payload, payload.length, masked, true, random), 1002);
            case 5 -> {
                // A length past the payload, then more bytes than the payload, but not as many as the length says.
                int length = payload.length + 126 + random.nextInt(2000);
                byte[] more = FuzzBytes.concat(payload, new byte[126 + random.nextInt(2000)]);
                yield new Mutation(frame(first, more, length, masked, false, random), control ? 1002 : 0);
            }
            case 6 -> new Mutation(frame(first, FuzzBytes.concat(payload, new byte[] {(byte) 0xff, (byte) 0xc0}),
                    masked, random), wholeText ? 1007 : 0);
            case 7 -> {
                byte[] longer = FuzzBytes.concat(payload, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                        new byte[random.nextInt(130)]);
                int code = control && longer.length > 125 ? 1002 : wholeText ? 1007 : 0;
                yield new Mutation(frame(first, longer, masked, random), code);
            }
            default -> new Mutation(frame(first, FuzzBytes.mutate(payload.length == 0 ? new byte[] {0} : payload,
                    random), masked, random), 0);
        };
    }

    /**
     * A frame's bytes with the length it declares, which may differ from its payload's, in the fewest bytes or in the
     * 64-bit form when {@code longForm} (RFC 6455 §5.2 makes that an error for short lengths).
     */
    private static byte[] frame(int first, byte[] payload, int length, boolean masked, boolean longForm,
            Random random) {
        int maskBit = masked ? 0x80 : 0;
        byte[] header;
        if (longForm || length >= 65_536) {
            header = ByteBuffer.allocate(10).put((byte) first).put((byte) (maskBit | 127)).putLong(length).array();
        } else if (length >= 126) {
            header = ByteBuffer.allocate(4).put((byte) first).put((byte) (maskBit | 126)).putShort((short) length)
                    .array();
        } else {
            header = new byte[] {(byte) first, (byte) (maskBit | length)};
        }
        if (!masked) {
            return FuzzBytes.concat(header, payload);
        }
        byte[] key = new byte[4];
        random.nextBytes(key);
        byte[] maskedPayload = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            maskedPayload[i] = (byte) (payload[i] ^ key[i & 3]);
        }
        return FuzzBytes.concat(header, key, maskedPayload);
    }
}
