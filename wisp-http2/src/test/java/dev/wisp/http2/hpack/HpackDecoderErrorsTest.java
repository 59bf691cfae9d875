package dev.wisp.http2.hpack;

import static dev.wisp.http2.hpack.RfcExamplesTest.fields;
import static dev.wisp.http2.hpack.RfcExamplesTest.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.http2.hpack.HpackException.Reason;
import org.junit.jupiter.api.Test;

/** Each way a header block can break RFC 7541, refused with its reason and an exact message. */
class HpackDecoderErrorsTest {
    @Test
    void rejectsIndexZero() {
        assertFails("80", Reason.INVALID_INDEX,
                "index 0 is not in the static table (1-61) nor the dynamic table (0 entries)");
    }

    @Test
    void rejectsIndexesBeyondTheTables() {
        assertFails("be", Reason.INVALID_INDEX,
                "index 62 is not in the static table (1-61) nor the dynamic table (0 entries)");
        // A literal whose name index (6-bit prefix: 62) is beyond the tables.
        assertFails("7e 0161", Reason.INVALID_INDEX,
                "index 62 is not in the static table (1-61) nor the dynamic table (0 entries)");
        // One entry in the table: 62 is fine, 63 is not.
        assertFailsAt("4003 616263 0178 be bf", 8, Reason.INVALID_INDEX,
                "index 63 is not in the static table (1-61) nor the dynamic table (1 entries)");
    }

    @Test
    void decodesTheLargestIntegerAndRejectsLarger() throws HpackException {
        for (int prefixBits = 1; prefixBits <= 8; prefixBits++) {
            for (int value : new int[] {0, 1, (1 << prefixBits) - 2, (1 << prefixBits) - 1, 1 << prefixBits, 127,
                128, 16_383, 16_384, Integer.MAX_VALUE - 1, Integer.MAX_VALUE}) {
                HpackEncoder encoder = new HpackEncoder(4096);
                encoder.writeInteger(0, prefixBits, value);
                assertEquals(value, new HpackDecoder(1, 1).readInteger(encoder.written(), prefixBits),
                        value + " with a " + prefixBits + "-bit prefix");
            }
        }
        // 127 + 0x7f + 0x7f << 7 + 0x7f << 14 + 0x7f << 21 + 0x0f << 28 is above 2^31 - 1.
        assertFails("ff ffffffff0f", Reason.INTEGER_OVERFLOW, "integer exceeds 2147483647");
    }

    @Test
    void rejectsIntegersWithMoreContinuationBytesThanAnyValueNeeds() {
        assertFails("ff 8080808080 00", Reason.INTEGER_OVERFLOW, "integer has more than 5 continuation bytes");
    }

    @Test
    void rejectsBlocksThatEndInsideAnIntegerOrAString() {
        assertFails("ff", Reason.TRUNCATED, "header block ends inside an integer");
        assertFails("ff 80", Reason.TRUNCATED, "header block ends inside an integer");
        assertFails("40", Reason.TRUNCATED, "header block ends inside a string");
        assertFails("41", Reason.TRUNCATED, "header block ends inside a string");
        assertFails("41 7f", Reason.TRUNCATED, "header block ends inside an integer");
    }

    @Test
    void rejectsStringLengthsBeyondTheBlock() {
        assertFails("41 0561", Reason.TRUNCATED, "string length 5 exceeds the 1 bytes left in the header block");
        // 2^31 - 1 declared with a few bytes: refused before anything is allocated.
        assertFails("41 7f80ffffff07 61", Reason.TRUNCATED,
                "string length 2147483647 exceeds the 1 bytes left in the header block");
    }

    @Test
    void rejectsHuffmanPaddingLongerThanSevenBits() {
        // Eight one bits: a prefix of EOS, but a whole byte of it.
        assertFails("41 81ff", Reason.INVALID_HUFFMAN, "Huffman padding is 8 bits, longer than 7");
        // 'a' (00011), then 11 one bits.
        assertFails("41 821f ff", Reason.INVALID_HUFFMAN, "Huffman padding is 11 bits, longer than 7");
    }

    @Test
    void rejectsHuffmanPaddingThatIsNotAllOnes() {
        // 'a' (00011) then 000.
        assertFails("41 8118", Reason.INVALID_HUFFMAN, "Huffman padding is not all ones");
        // 'a' then 101.
        assertFails("41 811d", Reason.INVALID_HUFFMAN, "Huffman padding is not all ones");
    }

    @Test
    void rejectsTheEosSymbolInAString() {
        assertFails("41 84ffffffff", Reason.INVALID_HUFFMAN, "Huffman-coded string contains the EOS symbol");
    }

    @Test
    void rejectsATableSizeUpdateAfterAField() {
        assertFailsAt("82 20", 1, Reason.INVALID_TABLE_SIZE_UPDATE, "dynamic table size update after a header field");
    }

    @Test
    void rejectsATableSizeUpdateAboveTheAcknowledgedLimit() {
        assertFails("3fe21f", Reason.INVALID_TABLE_SIZE_UPDATE,
                "dynamic table size update to 4097 exceeds the acknowledged limit 4096");
    }

    @Test
    void requiresATableSizeUpdateAfterTheLimitFell() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 4096);
        decoder.applyTableSizeLimit(1024);
        HpackException e = assertThrows(HpackException.class, () -> decoder.decode(hex("82")));
        assertEquals(Reason.MISSING_TABLE_SIZE_UPDATE, e.reason());
        assertEquals("header block does not start with the dynamic table size update owed since the limit fell to"
                + " 1024 (at byte 0)", e.getMessage());

        HpackDecoder updated = new HpackDecoder(4096, 4096);
        updated.applyTableSizeLimit(1024);
        assertEquals(fields(":method", "GET"), updated.decode(hex("3fe107 82")));
        assertEquals(1024, updated.table().maxSize());
        assertEquals(fields(":method", "GET"), updated.decode(hex("82")), "owed once only");
    }

    @Test
    void requiresTheFirstUpdateWithinTheLowestLimitSinceTheLastBlock() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 4096);
        decoder.applyTableSizeLimit(0);
        decoder.applyTableSizeLimit(4096);
        HpackException e = assertThrows(HpackException.class, () -> decoder.decode(hex("3fe11f 82")));
        assertEquals("dynamic table size update to 4096 exceeds the acknowledged limit 0 (at byte 0)", e.getMessage());

        HpackDecoder lowered = new HpackDecoder(4096, 4096);
        lowered.applyTableSizeLimit(0);
        lowered.applyTableSizeLimit(4096);
        assertEquals(fields(":method", "GET"), lowered.decode(hex("20 3fe11f 82")));
        assertEquals(4096, lowered.table().maxSize());
    }

    @Test
    void needsNoUpdateWhenTheLimitRises() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 4096);
        decoder.applyTableSizeLimit(8192);
        assertEquals(fields(":method", "GET"), decoder.decode(hex("82")));
        assertEquals(fields(":method", "GET"), decoder.decode(hex("3fe13f 82")), "an update to 8192 is allowed");
        assertEquals(8192, decoder.table().maxSize());
    }

    @Test
    void refusesUseAfterAFailedBlock() {
        HpackDecoder decoder = new HpackDecoder(4096, 4096);
        assertThrows(HpackException.class, () -> decoder.decode(hex("80")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> decoder.decode(hex("82")));
        assertEquals("an earlier header block failed to decode; the decoder is unusable", e.getMessage());
    }

    /** A block whose first field is at fault. */
    static void assertFails(String block, Reason reason, String message) {
        assertFailsAt(block, 0, reason, message);
    }

    static void assertFailsAt(String block, int offset, Reason reason, String message) {
        HpackException e = assertThrows(HpackException.class, () -> new HpackDecoder(4096, 4096).decode(hex(block)));
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(message + " (at byte " + offset + ")", e.getMessage());
        assertFalse(e.isPastLimit(), "a block that breaks RFC 7541 ends the connection");
    }
}
