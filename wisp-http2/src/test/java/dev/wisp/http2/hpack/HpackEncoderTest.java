package dev.wisp.http2.hpack;

import static dev.wisp.http2.hpack.RfcExamplesTest.fields;
import static dev.wisp.http2.hpack.RfcExamplesTest.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The encoder's choices: indexed, incremental, without indexing or never indexed, Huffman or raw, size updates. */
class HpackEncoderTest {
    @Test
    void indexesExactMatchesOfTheStaticAndDynamicTables() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096);
        assertArrayEquals(hex("82 87"), encoder.encode(fields(":method", "GET", ":scheme", "https")));
        byte[] first = encoder.encode(fields("x-a", "1"));
        assertEquals(0x40, first[0], "literal with incremental indexing, new name");
        assertArrayEquals(hex("be"), encoder.encode(fields("x-a", "1")));
        assertArrayEquals(hex("be 82"), encoder.encode(fields("x-a", "1", ":method", "GET")));
    }

    @Test
    void indexesTheNameOfALiteralWhereATableHasIt() {
        HpackEncoder encoder = new HpackEncoder(4096);
        // content-type is static entry 31: 01 011111.
        byte[] block = encoder.encode(fields("content-type", "text/plain"));
        assertEquals((byte) 0x5f, block[0]);
        encoder.encode(fields("x-b", "1"));
        // x-b is now dynamic entry 62: 01 111110.
        assertEquals((byte) 0x7e, encoder.encode(fields("x-b", "2"))[0]);
    }

    @Test
    void neverIndexesCredentialsShortCookiesAndFieldsMarkedSensitive() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(4096, 4096);
        List<HpackField> sent = List.of(
                new HpackField("authorization", "Basic dXNlcjpwYXNz"),
                new HpackField("proxy-authorization", "Basic dXNlcjpwYXNz"),
                new HpackField("cookie", "id=1234567890123456"),
                new HpackField("x-token", "secret", true));
        byte[] block = encoder.encode(sent);
        // authorization is static entry 23: 0001 1111, then 23 - 15 = 8.
        assertArrayEquals(hex("1f08"), Arrays.copyOf(block, 2));
        List<HpackField> received = decoder.decode(block);
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(new HpackField(sent.get(i).name(), sent.get(i).value(), true), received.get(i));
        }
        assertEquals(0, encoder.table().length(), "nothing sensitive is indexed");
        assertEquals(0, decoder.table().length());
        // The same fields again are sent as literals again, never as indexes.
        assertArrayEquals(block, encoder.encode(sent));
    }

    @Test
    void indexesCookiesOfTwentyBytesOrMore() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096);
        List<HpackField> cookie = fields("cookie", "id=12345678901234567");
        assertEquals(0x60, encoder.encode(cookie)[0], "literal with incremental indexing, name index 32");
        assertArrayEquals(hex("be"), encoder.encode(cookie));
    }

    @Test
    void sendsAFieldLargerThanTheTableWithoutIndexing() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(64);
        List<HpackField> large = fields("x-large", "v".repeat(40));
        byte[] block = encoder.encode(large);
        // The first block announces the 64-byte table (3f 21), then a literal without indexing (0000 0000).
        assertArrayEquals(hex("3f21 00"), Arrays.copyOf(block, 3));
        assertEquals(0, encoder.table().length());
        HpackDecoder decoder = new HpackDecoder(4096, 4096);
        assertEquals(large, decoder.decode(block));
        assertEquals(0, decoder.table().length());
    }

    @Test
    void usesHuffmanOnlyWhenShorter() {
        HpackEncoder encoder = new HpackEncoder(4096);
        // "307": 3 bytes either way, so raw (length byte 0x03).
        assertArrayEquals(hex("4803 333037"), encoder.encode(fields(":status", "307")));
        // "no-cache": 6 bytes Huffman-coded against 8 (length byte 0x86, H set).
        assertArrayEquals(hex("5886 a8eb10649cbf"), encoder.encode(fields("cache-control", "no-cache")));
    }

    @Test
    void announcesTheSmallestTableSizeReachedAndThenTheFinalOne() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(4096, 4096);
        decoder.decode(encoder.encode(fields("x-b", "2")));
        encoder.applyTableSizeLimit(0);
        encoder.applyTableSizeLimit(1024);
        encoder.applyTableSizeLimit(4096);
        decoder.applyTableSizeLimit(0);
        decoder.applyTableSizeLimit(4096);
        byte[] updated = encoder.encode(fields(":method", "GET"));
        assertArrayEquals(hex("20 3fe11f 82"), updated);
        assertEquals(0, encoder.table().length(), "the update to 0 emptied the table");
        assertEquals(fields(":method", "GET"), decoder.decode(updated));
        assertEquals(0, decoder.table().length());

        encoder.applyTableSizeLimit(2048);
        decoder.applyTableSizeLimit(2048);
        byte[] block = encoder.encode(fields(":method", "GET"));
        assertArrayEquals(hex("3fe10f 82"), block);
        assertEquals(fields(":method", "GET"), decoder.decode(block));
        assertEquals(2048, decoder.table().maxSize());

        encoder.applyTableSizeLimit(2048);
        assertArrayEquals(hex("82"), encoder.encode(fields(":method", "GET")), "no change, no update");
    }

    @Test
    void keepsItsOwnTableBoundWhateverThePeerAllows() {
        HpackEncoder encoder = new HpackEncoder(1024);
        encoder.applyTableSizeLimit(65536);
        assertArrayEquals(hex("3fe107 82"), encoder.encode(fields(":method", "GET")));
        assertEquals(1024, encoder.table().maxSize());
        encoder.applyTableSizeLimit(512);
        assertArrayEquals(hex("3fe103 82"), encoder.encode(fields(":method", "GET")));
    }

    @Test
    void refusesCharsAboveByteRange() {
        HpackEncoder encoder = new HpackEncoder(4096);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(fields("x-name", "caf\u00e9\u20ac")));
        assertEquals("field x-name holds char U+20ac, above 255; HPACK carries bytes", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(fields("x-caf\u20ac", "v")), "a new name");
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(fields("authorization", "\u20ac")),
                "a field never indexed");
        assertEquals(0L, encoder.table().size(), "nothing of a refused field is added to the table");
        assertThrows(IllegalArgumentException.class, () -> new HpackEncoder(-1));
    }
}
