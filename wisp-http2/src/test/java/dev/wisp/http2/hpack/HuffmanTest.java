package dev.wisp.http2.hpack;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Huffman code of RFC 7541 Appendix B, built from its lengths, against codes read from the RFC's table. */
class HuffmanTest {
    @Test
    void buildsTheCodesOfAppendixB() {
        // sym: code as hex, len (RFC 7541 Appendix B)
        assertCode(0, 0x1ff8, 13);
        assertCode(9, 0xffffea, 24);
        assertCode(10, 0x3ffffffc, 30);
        assertCode(' ', 0x14, 6);
        assertCode('0', 0x0, 5);
        assertCode(':', 0x5c, 7);
        assertCode('\\', 0x7fff0, 19);
        assertCode('a', 0x3, 5);
        assertCode('~', 0x1ffd, 13);
        assertCode(127, 0xffffffc, 28);
        assertCode(128, 0xfffe6, 20);
        assertCode(199, 0x1ffffec, 25);
        assertCode(220, 0xffffffd, 28);
        assertCode(255, 0x3ffffee, 26);
        assertCode(Huffman.EOS, 0x3fffffff, 30);
    }

    @Test
    void encodesTheStringsOfAppendixC() {
        assertHuffman("www.example.com", "f1e3c2e5f23a6ba0ab90f4ff");
        assertHuffman("no-cache", "a8eb10649cbf");
        assertHuffman("custom-key", "25a849e95ba97d7f");
        assertHuffman("custom-value", "25a849e95bb8e8b4bf");
        assertHuffman("302", "6402");
        assertHuffman("private", "aec3771a4b");
        assertHuffman("Mon, 21 Oct 2013 20:13:21 GMT", "d07abe941054d444a8200595040b8166e082a62d1bff");
        assertHuffman("https://www.example.com", "9d29ad171863c78f0b97c8e9ae82ae43d3");
    }

    @Test
    void decodesWhatItEncodesForEveryByteAndRandomStrings() throws HpackException {
        StringBuilder every = new StringBuilder();
        for (int c = 0; c < 256; c++) {
            every.append((char) c);
        }
        assertRoundTrip(every.toString());
        assertRoundTrip("");
        Random random = new Random(7541);
        for (int i = 0; i < 2000; i++) {
            char[] text = new char[random.nextInt(40)];
            for (int j = 0; j < text.length; j++) {
                text[j] = (char) (random.nextBoolean() ? random.nextInt(256) : 'a' + random.nextInt(26));
            }
            assertRoundTrip(new String(text));
        }
    }

    private static void assertCode(int symbol, int code, int length) {
        assertEquals(code, Huffman.code(symbol), "code of " + symbol);
        assertEquals(length, Huffman.length(symbol), "length of " + symbol);
    }

    private static void assertHuffman(String text, String hex) {
        byte[] expected = RfcExamplesTest.hex(hex);
        assertEquals(expected.length, Huffman.encodedLength(text));
        byte[] out = new byte[expected.length];
        Huffman.encode(text, out, 0);
        assertArrayEquals(expected, out, text);
    }

    private static void assertRoundTrip(String text) throws HpackException {
        byte[] encoded = new byte[(int) Huffman.encodedLength(text)];
        Huffman.encode(text, encoded, 0);
        byte[] decoded = new byte[Huffman.maxDecodedLength(encoded.length)];
        int length = Huffman.decode(encoded, 0, encoded.length, decoded, Integer.MAX_VALUE);
        assertEquals(text, new String(decoded, 0, length, ISO_8859_1));
    }
}
