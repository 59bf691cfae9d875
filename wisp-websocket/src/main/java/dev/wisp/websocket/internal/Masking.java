package dev.wisp.websocket.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The masking of RFC 6455 §5.3: byte i of the payload is XORed with byte (i mod 4) of the 32-bit key. */
final class Masking {
    /**
     * Eight payload bytes at a time, in big-endian order so the key's first byte lands on the first payload byte;
     * the JIT turns each access into one (unaligned) load or store. Every client frame a server reads is masked,
     * so a byte at a time cost a 64 KiB message a quarter of the server's time.
     */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Masking() {
    }

    /**
     * Masks or unmasks, in place, bytes that start at this position of the payload.
     *
     * @param key the masking key, big-endian: its first byte applies to payload byte 0
     * @param position the payload offset of {@code bytes[offset]}
     */
    static void apply(byte[] bytes, int offset, int length, int key, long position) {
        int rotated = Integer.rotateLeft(key, (int) (position & 3) * 8);
        long wide = (rotated & 0xffffffffL) << 32 | (rotated & 0xffffffffL);
        int end = offset + length;
        int i = offset;
        for (; i + 8 <= end; i += 8) {
            LONGS.set(bytes, i, (long) LONGS.get(bytes, i) ^ wide);
        }
        // The last 0-7 bytes: the key goes on from where the last long left it, since 8 is a multiple of 4.
        for (int shift = 24; i < end; i++, shift = (shift - 8) & 31) {
            bytes[i] ^= (byte) (rotated >>> shift);
        }
    }
}
