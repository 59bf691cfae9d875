package dev.wisp.http1;

import dev.wisp.core.Ascii;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Makes malformed variants of valid messages for fuzzing: flipped and replaced bytes, inserted delimiters and
 * protocol words, deletions, truncation, and duplicated, dropped or swapped lines. Deterministic for a given
 * {@link Random}.
 */
final class WireMutator {
    /** Bytes that change how a message is split into lines, fields, parameters and list elements. */
    private static final byte[] DELIMITERS = {'\r', '\n', 0, ' ', '\t', ':', ';', ',', '=', '"', '\\', '%', '/', '.',
        '?', '#', 0x0b, 0x0c, 0x7f, (byte) 0x80, (byte) 0xff, '0', 'f', 'F'};
    /** Words that move a mutated message toward the interesting parts of the grammar. */
    private static final String[] WORDS = {"\r\n", "\r\n\r\n", "\n", "\r", "chunked", "Transfer-Encoding: ",
        "Content-Length: ", "Host: ", "0", "00000000000000000000", "ffffffffffffffff", "7fffffffffffffff",
        "18446744073709551616", "-1", "+1", "0x1", "%2e%2e", "/..", "%", "%c3%28", "HTTP/1.1", "HTTP/2.0", "HTTP/1.0",
        ";a=\"b\"", ";", "\"", ", chunked", "gzip, ", " \t ", "*", "CONNECT ", "http://", "[::1]:80", "@"};

    private final Random random;

    WireMutator(Random random) {
        this.random = random;
    }

    /** Applies one to four random mutations to a copy of the message. */
    byte[] mutate(byte[] message) {
        byte[] bytes = message;
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            bytes = mutateOnce(bytes);
        }
        return bytes;
    }

    private byte[] mutateOnce(byte[] bytes) {
        int at = random.nextInt(bytes.length + 1);
        return switch (random.nextInt(10)) {
            case 0 -> replace(bytes, at, new byte[] {(byte) random.nextInt(256)});
            case 1 -> flipBit(bytes, at);
            case 2, 3 -> insert(bytes, at, new byte[] {DELIMITERS[random.nextInt(DELIMITERS.length)]});
            case 4 -> insert(bytes, at, Ascii.bytes(WORDS[random.nextInt(WORDS.length)]));
            case 5 -> delete(bytes, at, 1 + random.nextInt(4));
            case 6 -> Arrays.copyOf(bytes, at);
            default -> mutateLines(bytes);
        };
    }

    private byte[] replace(byte[] bytes, int at, byte[] replacement) {
        return insert(delete(bytes, at, replacement.length), at, replacement);
    }

    private byte[] flipBit(byte[] bytes, int at) {
        if (at == bytes.length) {
            return bytes;
        }
        byte[] copy = bytes.clone();
        copy[at] ^= (byte) (1 << random.nextInt(8));
        return copy;
    }

    private static byte[] insert(byte[] bytes, int at, byte[] inserted) {
        byte[] copy = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, copy, 0, at);
        System.arraycopy(inserted, 0, copy, at, inserted.length);
        System.arraycopy(bytes, at, copy, at + inserted.length, bytes.length - at);
        return copy;
    }

    private static byte[] delete(byte[] bytes, int at, int length) {
        int end = Math.min(bytes.length, at + length);
        byte[] copy = new byte[bytes.length - (end - at)];
        System.arraycopy(bytes, 0, copy, 0, at);
        System.arraycopy(bytes, end, copy, at, bytes.length - end);
        return copy;
    }

    /** Duplicates, drops or swaps whole lines (each with its LF), or repeats one many times. */
    private byte[] mutateLines(byte[] bytes) {
        List<byte[]> lines = splitLines(bytes);
        int i = random.nextInt(lines.size());
        int j = random.nextInt(lines.size());
        switch (random.nextInt(4)) {
            case 0 -> lines.add(j, lines.get(i));
            case 1 -> lines.remove(i);
            case 2 -> {
                byte[] line = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, line);
            }
            default -> {
                for (int k = random.nextInt(200); k > 0; k--) {
                    lines.add(i, lines.get(i));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 64);
        lines.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static List<byte[]> splitLines(byte[] bytes) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                lines.add(Arrays.copyOfRange(bytes, start, i + 1));
                start = i + 1;
            }
        }
        lines.add(Arrays.copyOfRange(bytes, start, bytes.length));
        return lines;
    }

    /** The whole message with every byte that is not printable ASCII escaped, for a failure report. */
    static String describe(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte value : bytes) {
            int b = value & 0xff;
            switch (b) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                default -> out.append(b < 0x20 || b >= 0x7f ? String.format("\\u%04x", b) : Character.toString(b));
            }
        }
        return '"' + out.toString() + '"';
    }
}
