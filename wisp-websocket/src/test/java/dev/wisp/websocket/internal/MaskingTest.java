package dev.wisp.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class MaskingTest {
    private static final int KEY = 0x37fa213d;

    @Test
    void masksEveryLengthOffsetAndPositionAsTheRfcDefinesIt() {
        for (int length = 0; length <= 40; length++) {
            for (int offset = 0; offset <= 9; offset++) {
                for (int position = 0; position <= 7; position++) {
                    byte[] bytes = payload(offset + length + 3);
                    byte[] expected = bytes.clone();
                    for (int i = 0; i < length; i++) {
                        // RFC 6455 §5.3: octet i is XORed with octet (i MOD 4) of the masking key.
                        int j = (position + i) & 3;
                        expected[offset + i] ^= (byte) (KEY >>> (24 - 8 * j));
                    }
                    Masking.apply(bytes, offset, length, KEY, position);
                    assertArrayEquals(expected, bytes, "length " + length + " offset " + offset + " at " + position);
                }
            }
        }
    }

    @Test
    void maskingTwiceGivesThePayloadBack() {
        byte[] original = payload(70_001);
        byte[] bytes = original.clone();
        Masking.apply(bytes, 0, bytes.length, KEY, 0);
        Masking.apply(bytes, 0, 30_001, KEY, 0);
        Masking.apply(bytes, 30_001, 40_000, KEY, 30_001);
        assertArrayEquals(original, bytes);
    }

    private static byte[] payload(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }
}
