package dev.wisp.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded byte-level mutations of valid messages for the fuzz tests that play traffic over a socket, and the splitting
 * of what a scripted peer writes into several writes. The run's seed is {@code wisp.fuzz.seed}, and how many cases a
 * test plays is {@code wisp.fuzz.socketIterations}.
 */
public final class FuzzBytes {
    public static final long SEED = Long.getLong("wisp.fuzz.seed", 20261201L);
    public static final int ITERATIONS = Integer.getInteger("wisp.fuzz.socketIterations", 300);
    /** What a whole run may take: two minutes at the default, a second a case in a longer run. */
    public static final Duration RUN_BOUND = Duration.ofSeconds(Math.max(120, ITERATIONS));
    /** Bytes that mean something in HTTP and WebSocket messages, more likely to reach a parser's corners. */
    private static final byte[] SPECIAL = " \t\r\n:;,=\"\\/0123456789aAfFxX-+\0\u007f\u0080\u00ff"
            .getBytes(StandardCharsets.ISO_8859_1);

    private FuzzBytes() {
    }

    /** One to three mutations: a bit flipped, a byte replaced, inserted or removed, a cut, a range repeated. */
    public static byte[] mutate(byte[] valid, Random random) {
        byte[] bytes = valid.clone();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && bytes.length > 0; m++) {
            int at = random.nextInt(bytes.length);
            bytes = switch (random.nextInt(7)) {
                case 0 -> flipBit(bytes, at, random.nextInt(8));
                case 1 -> replace(bytes, at, SPECIAL[random.nextInt(SPECIAL.length)]);
                case 2 -> insert(bytes, at, new byte[] {SPECIAL[random.nextInt(SPECIAL.length)]});
                case 3 -> insert(bytes, at, new byte[] {(byte) random.nextInt(256)});
                case 4 -> remove(bytes, at);
                case 5 -> Arrays.copyOf(bytes, at);
                default -> insert(bytes, at, Arrays.copyOfRange(bytes, at,
                        Math.min(bytes.length, at + 1 + random.nextInt(40))));
            };
        }
        return bytes;
    }

    /** The bytes cut at up to three random places, for a server that writes (and flushes) each piece alone. */
    public static List<byte[]> split(byte[] bytes, Random random) {
        int[] cuts = random.ints(random.nextInt(4), 0, bytes.length + 1).sorted().toArray();
        List<byte[]> pieces = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            pieces.add(Arrays.copyOfRange(bytes, from, cut));
            from = cut;
        }
        pieces.add(Arrays.copyOfRange(bytes, from, bytes.length));
        return pieces;
    }

    /** The parts one after another, in one array. */
    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** The bytes as a Java string literal would show them, for a failure message to replay from. */
    public static String escape(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte value : bytes) {
            int b = value & 0xff;
            out.append(switch (b) {
                case '\r' -> "\\r";
                case '\n' -> "\\n";
                case '\\' -> "\\\\";
                case '"' -> "\\\"";
                default -> b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\u%04x", b);
            });
        }
        return out.toString();
    }

    private static byte[] flipBit(byte[] bytes, int at, int bit) {
        byte[] copy = bytes.clone();
        copy[at] ^= (byte) (1 << bit);
        return copy;
    }

    private static byte[] replace(byte[] bytes, int at, byte b) {
        byte[] copy = bytes.clone();
        copy[at] = b;
        return copy;
    }

    private static byte[] insert(byte[] bytes, int at, byte[] inserted) {
        return concat(Arrays.copyOfRange(bytes, 0, at), inserted, Arrays.copyOfRange(bytes, at, bytes.length));
    }

    private static byte[] remove(byte[] bytes, int at) {
        return concat(Arrays.copyOfRange(bytes, 0, at), Arrays.copyOfRange(bytes, at + 1, bytes.length));
    }
}
