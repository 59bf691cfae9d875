package dev.wisp.http2.hpack;

import static dev.wisp.http2.hpack.RfcExamplesTest.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.http2.hpack.HpackException.Reason;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each decoder limit, met and then crossed by one byte. */
class HpackDecoderLimitsTest {
    @Test
    void refusesAnHpackBombAtTheFirstFieldPastTheListLimit() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(64 * 1024, 8 * 1024);
        // One 4,000-byte value, indexed once (size 4,038)...
        HpackEncoder encoder = new HpackEncoder(4096);
        String large = "a".repeat(4000);
        assertEquals(fields("x-bomb", large), decoder.decode(encoder.encode(fields("x-bomb", large))));
        // ...then referenced 100,000 times in a 100,000-byte block: 400 MB of header list if it were decoded.
        byte[] bomb = new byte[100_000];
        Arrays.fill(bomb, (byte) 0xbe);
        HpackException e = assertThrows(HpackException.class, () -> decoder.decode(bomb));
        assertEquals(Reason.HEADER_LIST_TOO_LARGE, e.reason());
        // Refused at the 17th reference: 17 * 4,038 bytes is the first sum above 65,536.
        assertEquals("header list of at least 68646 bytes exceeds 65536 bytes (maxHeaderListSize)"
                + " (at byte 16)", e.getMessage());
    }

    @Test
    void acceptsAListOfExactlyTheLimitAndRefusesOneByteMore() throws HpackException {
        // "a: b" counts 1 + 1 + 32 = 34.
        byte[] twice = new HpackEncoder(0).encode(fields("a", "b", "a", "b"));
        HpackDecoder decoder = new HpackDecoder(68, 64);
        assertEquals(fields("a", "b", "a", "b"), decoder.decode(twice));

        HpackException e = assertThrows(HpackException.class, () -> new HpackDecoder(67, 64).decode(twice));
        assertEquals(Reason.HEADER_LIST_TOO_LARGE, e.reason());
        assertEquals("header list of at least 68 bytes exceeds 67 bytes (maxHeaderListSize) (at byte 6)",
                e.getMessage());
        assertTrue(e.isPastLimit(), "a list past the limit refuses its message, not the connection");
    }

    @Test
    void refusesALiteralPastTheListLimitBeforeMakingItsValue() {
        // A raw 1,000-byte value: refused from its length, before the string is made.
        byte[] block = new HpackEncoder(0).encode(List.of(new HpackField("x", "\u00ff".repeat(1000))));
        HpackException e = assertThrows(HpackException.class, () -> new HpackDecoder(1000, 4096).decode(block));
        assertEquals(Reason.HEADER_LIST_TOO_LARGE, e.reason());
        assertEquals("header list of at least 1033 bytes exceeds 1000 bytes (maxHeaderListSize) (at byte 1)",
                e.getMessage());
    }

    @Test
    void acceptsAStringOfExactlyTheLimitAndRefusesOneByteMore() throws HpackException {
        // Raw: bytes above 127 take more than 8 bits Huffman-coded, so the encoder sends them as they are.
        String raw = "\u00ff".repeat(100);
        byte[] rawBlock = new HpackEncoder(0).encode(fields("x", raw));
        assertEquals(fields("x", raw), new HpackDecoder(4096, 100).decode(rawBlock));
        HpackException e = assertThrows(HpackException.class, () -> new HpackDecoder(4096, 99).decode(rawBlock));
        assertEquals(Reason.STRING_TOO_LONG, e.reason());
        assertEquals("string of 100 bytes exceeds 99 bytes (maxStringLength) (at byte 1)", e.getMessage());
        assertTrue(e.isPastLimit(), "a string past the limit refuses its message, not the connection");

        // Huffman: 100 'a's take 63 bytes on the wire; the decoded length is what counts.
        String huffman = "a".repeat(100);
        byte[] huffmanBlock = new HpackEncoder(0).encode(fields("x", huffman));
        assertEquals(fields("x", huffman), new HpackDecoder(4096, 100).decode(huffmanBlock));
        e = assertThrows(HpackException.class, () -> new HpackDecoder(4096, 99).decode(huffmanBlock));
        assertEquals(Reason.STRING_TOO_LONG, e.reason());
        assertEquals("Huffman-coded string exceeds 99 bytes (maxStringLength) (at byte 1)", e.getMessage());
    }

    @Test
    void readsABlockPastItsLimitToTheEndSoTheTableStaysThePeersAndGoesOn() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(200, 100);
        // Too large: a long Huffman value, then fields the encoder indexes; the decoder must index them too.
        byte[] tooLarge = encoder.encode(fields("x-long", "a".repeat(150), "x-after", "kept in the table",
                "x-raw", "\u00ff".repeat(120)));
        HpackException e = assertThrows(HpackException.class, () -> decoder.decode(tooLarge));
        assertEquals(Reason.STRING_TOO_LONG, e.reason());
        assertEquals("Huffman-coded string exceeds 100 bytes (maxStringLength) (at byte 0)", e.getMessage());
        // The next block refers to what the refused one indexed, and decodes as the peer meant it.
        byte[] next = encoder.encode(fields("x-after", "kept in the table", "x-raw", "\u00ff".repeat(120)
                .substring(0, 10)));
        assertEquals(fields("x-after", "kept in the table", "x-raw", "\u00ff".repeat(10)), decoder.decode(next));
        assertEquals(encoder.encode(fields("x-after", "kept in the table")).length, 1, "an indexed reference");
    }

    @Test
    void goesOnAfterAListPastItsLimitWithTheNextBlock() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(120, 100);
        byte[] tooLarge = encoder.encode(fields("a", "1".repeat(40), "b", "2".repeat(40), "c", "3"));
        HpackException e = assertThrows(HpackException.class, () -> decoder.decode(tooLarge));
        assertEquals(Reason.HEADER_LIST_TOO_LARGE, e.reason());
        assertEquals(fields("a", "1".repeat(40), "c", "3"), decoder.decode(encoder.encode(fields("a",
                "1".repeat(40), "c", "3"))));
    }

    @Test
    void rejectsLimitsThatAreNotPositive() {
        assertEquals("maxHeaderListSize must be positive: 0",
                assertThrows(IllegalArgumentException.class, () -> new HpackDecoder(0, 1)).getMessage());
        assertEquals("maxStringLength must be positive: -1",
                assertThrows(IllegalArgumentException.class, () -> new HpackDecoder(1, -1)).getMessage());
        assertEquals("table size limit must not be negative: -1", assertThrows(IllegalArgumentException.class,
                () -> new HpackDecoder(1, 1).applyTableSizeLimit(-1)).getMessage());
    }
}
