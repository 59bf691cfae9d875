package dev.wisp.websocket.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Hand-built frames for tests, byte by byte as RFC 6455 §5.2 lays them out, including malformed ones. */
final class Wire {
    /** A fixed masking key, so expected bytes can be written down. */
    static final int KEY = 0x37fa213d;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    static Wire frames() {
        return new Wire();
    }

    /** A frame as a client sends it: masked with {@link #KEY}. */
    Wire masked(int firstByte, byte[] payload) {
        return frame(firstByte, payload, true);
    }

    /** A frame as a server sends it: unmasked. */
    Wire unmasked(int firstByte, byte[] payload) {
        return frame(firstByte, payload, false);
    }

    Wire frame(int firstByte, byte[] payload, boolean masked) {
        bytes.write(firstByte);
        int mask = masked ? 0x80 : 0;
        if (payload.length < 126) {
            bytes.write(mask | payload.length);
        } else if (payload.length <= 0xffff) {
            bytes.write(mask | 126);
            bytes.write(payload.length >>> 8);
            bytes.write(payload.length);
        } else {
            bytes.write(mask | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] body = payload.clone();
        if (masked) {
            raw(KEY >>> 24, KEY >>> 16, KEY >>> 8, KEY);
            Masking.apply(body, 0, body.length, KEY, 0);
        }
        bytes.writeBytes(body);
        return this;
    }

    /** Bytes as they are, for malformed headers. */
    Wire raw(int... values) {
        for (int value : values) {
            bytes.write(value);
        }
        return this;
    }

    byte[] toBytes() {
        return bytes.toByteArray();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
