package dev.wisp.http2.hpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The examples of RFC 7541 Appendix C: integers (C.1), single fields (C.2), and the request (C.3, C.4) and response
 * (C.5, C.6) sequences, each decoded with the dynamic table checked after every block, and the Huffman ones encoded
 * to the same bytes.
 */
class RfcExamplesTest {
    private static final String DATE_21 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private static final String DATE_22 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private static final String LOCATION = "https://www.example.com";
    private static final String COOKIE = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    private static final List<HpackField> REQUEST_1 = fields(
            ":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com");
    private static final List<HpackField> REQUEST_2 = fields(":method", "GET", ":scheme", "http", ":path", "/",
            ":authority", "www.example.com", "cache-control", "no-cache");
    private static final List<HpackField> REQUEST_3 = fields(":method", "GET", ":scheme", "https",
            ":path", "/index.html", ":authority", "www.example.com", "custom-key", "custom-value");
    private static final List<HpackField> TABLE_1 = fields(":authority", "www.example.com");
    private static final List<HpackField> TABLE_2 = fields("cache-control", "no-cache",
            ":authority", "www.example.com");
    private static final List<HpackField> TABLE_3 = fields("custom-key", "custom-value",
            "cache-control", "no-cache", ":authority", "www.example.com");

    private static final List<HpackField> RESPONSE_1 = fields(":status", "302", "cache-control", "private",
            "date", DATE_21, "location", LOCATION);
    private static final List<HpackField> RESPONSE_2 = fields(":status", "307", "cache-control", "private",
            "date", DATE_21, "location", LOCATION);
    private static final List<HpackField> RESPONSE_3 = fields(":status", "200", "cache-control", "private",
            "date", DATE_22, "location", LOCATION, "content-encoding", "gzip", "set-cookie", COOKIE);
    private static final List<HpackField> RESPONSE_TABLE_1 = fields("location", LOCATION, "date", DATE_21,
            "cache-control", "private", ":status", "302");
    private static final List<HpackField> RESPONSE_TABLE_2 = fields(":status", "307", "location", LOCATION,
            "date", DATE_21, "cache-control", "private");
    private static final List<HpackField> RESPONSE_TABLE_3 = fields("set-cookie", COOKIE,
            "content-encoding", "gzip", "date", DATE_22);

    /** C.5 and C.6 run with SETTINGS_HEADER_TABLE_SIZE 256, which a block announces (§4.2) with 3fe101. */
    private static final String SIZE_UPDATE_256 = "3fe101";

    @Test
    void encodesAndDecodesTheIntegerExamples() throws HpackException {
        assertInteger(5, 10, "0a");
        assertInteger(5, 1337, "1f9a0a");
        assertInteger(8, 42, "2a");
    }

    @Test
    void decodesTheSingleFieldExamples() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 4096);
        assertEquals(fields("custom-key", "custom-header"),
                decoder.decode(hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572")));
        assertTable(decoder.table(), 55, fields("custom-key", "custom-header"));

        decoder = new HpackDecoder(4096, 4096);
        assertEquals(fields(":path", "/sample/path"), decoder.decode(hex("040c 2f73 616d 706c 652f 7061 7468")));
        assertTable(decoder.table(), 0, List.of());

        decoder = new HpackDecoder(4096, 4096);
        assertEquals(List.of(new HpackField("password", "secret", true)),
                decoder.decode(hex("1008 7061 7373 776f 7264 0673 6563 7265 74")));
        assertTable(decoder.table(), 0, List.of());

        decoder = new HpackDecoder(4096, 4096);
        assertEquals(fields(":method", "GET"), decoder.decode(hex("82")));
        assertTable(decoder.table(), 0, List.of());
    }

    @Test
    void decodesTheRequestsWithoutHuffman() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 4096);
        assertEquals(REQUEST_1, decoder.decode(hex("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d")));
        assertTable(decoder.table(), 57, TABLE_1);
        assertEquals(REQUEST_2, decoder.decode(hex("8286 84be 5808 6e6f 2d63 6163 6865")));
        assertTable(decoder.table(), 110, TABLE_2);
        assertEquals(REQUEST_3, decoder.decode(
                hex("8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65")));
        assertTable(decoder.table(), 164, TABLE_3);
    }

    @Test
    void decodesAndEncodesTheRequestsWithHuffman() throws HpackException {
        String[] blocks = {
            "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
            "8286 84be 5886 a8eb 1064 9cbf",
            "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
        };
        List<List<HpackField>> requests = List.of(REQUEST_1, REQUEST_2, REQUEST_3);
        List<List<HpackField>> tables = List.of(TABLE_1, TABLE_2, TABLE_3);
        int[] sizes = {57, 110, 164};
        HpackDecoder decoder = new HpackDecoder(4096, 4096);
        HpackEncoder encoder = new HpackEncoder(4096);
        for (int i = 0; i < blocks.length; i++) {
            assertEquals(requests.get(i), decoder.decode(hex(blocks[i])));
            assertTable(decoder.table(), sizes[i], tables.get(i));
            assertArrayEquals(hex(blocks[i]), encoder.encode(requests.get(i)), "request " + (i + 1));
            assertTable(encoder.table(), sizes[i], tables.get(i));
        }
    }

    @Test
    void decodesTheResponsesWithoutHuffmanWithEvictions() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 4096);
        decoder.applyTableSizeLimit(256);
        assertEquals(RESPONSE_1, decoder.decode(hex(SIZE_UPDATE_256 + """
                4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133
                2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70
                6c65 2e63 6f6d""")));
        assertTable(decoder.table(), 222, RESPONSE_TABLE_1);
        assertEquals(RESPONSE_2, decoder.decode(hex("4803 3330 37c1 c0bf")));
        assertTable(decoder.table(), 222, RESPONSE_TABLE_2);
        assertEquals(RESPONSE_3, decoder.decode(hex("""
                88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d
                54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049
                5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e
                3d31""")));
        assertTable(decoder.table(), 215, RESPONSE_TABLE_3);
    }

    @Test
    void decodesAndEncodesTheResponsesWithHuffmanWithEvictions() throws HpackException {
        String[] blocks = {
            SIZE_UPDATE_256 + """
                4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6
                2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3""",
            "4883 640e ffc1 c0bf",
            """
                88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab
                77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
                9587 3160 65c0 03ed 4ee5 b106 3d50 07""",
        };
        List<List<HpackField>> responses = List.of(RESPONSE_1, RESPONSE_2, RESPONSE_3);
        List<List<HpackField>> tables = List.of(RESPONSE_TABLE_1, RESPONSE_TABLE_2, RESPONSE_TABLE_3);
        int[] sizes = {222, 222, 215};
        HpackDecoder decoder = new HpackDecoder(4096, 4096);
        decoder.applyTableSizeLimit(256);
        HpackEncoder encoder = new HpackEncoder(4096);
        encoder.applyTableSizeLimit(256);
        for (int i = 0; i < blocks.length; i++) {
            assertEquals(responses.get(i), decoder.decode(hex(blocks[i])));
            assertTable(decoder.table(), sizes[i], tables.get(i));
            // "307" is 3 bytes raw and Huffman-coded (640eff): the RFC's encoder took Huffman, ours only takes it
            // when shorter.
            String expected = i == 1 ? "4803 3330 37c1 c0bf" : blocks[i];
            assertArrayEquals(hex(expected), encoder.encode(responses.get(i)), "response " + (i + 1));
            assertTable(encoder.table(), sizes[i], tables.get(i));
        }
    }

    private static void assertInteger(int prefixBits, int value, String expected) throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096);
        encoder.writeInteger(0, prefixBits, value);
        assertArrayEquals(hex(expected), encoder.written());
        assertEquals(value, new HpackDecoder(1, 1).readInteger(hex(expected), prefixBits));
    }

    static void assertTable(DynamicTable table, long size, List<HpackField> newestFirst) {
        assertEquals(size, table.size(), "table size");
        assertEquals(newestFirst.size(), table.length(), "table length");
        for (int i = 0; i < newestFirst.size(); i++) {
            assertEquals(newestFirst.get(i), new HpackField(table.name(i + 1), table.value(i + 1)), "entry " + (i + 1));
        }
    }

    static List<HpackField> fields(String... namesAndValues) {
        HpackField[] fields = new HpackField[namesAndValues.length / 2];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = new HpackField(namesAndValues[2 * i], namesAndValues[2 * i + 1]);
        }
        return List.of(fields);
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s", ""));
    }
}
