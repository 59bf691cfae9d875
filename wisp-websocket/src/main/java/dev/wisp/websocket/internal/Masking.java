package dev.wisp.websocket.internal;

/** The masking of RFC 6455 §5.3: byte i of the payload is XORed with byte (i mod 4) of the 32-bit key. */
final class Masking {
    private Masking() {
    }

    /**
     * Masks or unmasks, in place, bytes that start at this position of the payload.
     *
     * @param key the masking key, big-endian: its first byte applies to payload byte 0
     * @param position the payload offset of {@code bytes[offset]}
     */
    static void apply(byte[] bytes, int offset, int length, int key, long position) {
        int shift = (int) (position & 3);
        int rotated = Integer.rotateLeft(key, shift * 8);
        byte k0 = (byte) (rotated >>> 24);
        byte k1 = (byte) (rotated >>> 16);
        byte k2 = (byte) (rotated >>> 8);
        byte k3 = (byte) rotated;
        int end = offset + length;
        int i = offset;
        for (; i + 3 < end; i += 4) {
            bytes[i] ^= k0;
            bytes[i + 1] ^= k1;
            bytes[i + 2] ^= k2;
            bytes[i + 3] ^= k3;
        }
        byte[] rest = {k0, k1, k2};
        for (int j = 0; i < end; i++, j++) {
            bytes[i] ^= rest[j];
        }
    }
}
