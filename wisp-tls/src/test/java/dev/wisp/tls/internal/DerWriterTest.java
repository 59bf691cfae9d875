package dev.wisp.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The certificate elements of {@link DerWriter}, as bytes and read back by {@link DerReader}. */
class DerWriterTest {
    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    @Test
    void writesUtcTimeThrough2049AndGeneralizedTimeFrom2050() {
        assertArrayEquals(bytes(0x17, "491231235959Z"), DerWriter.time(Instant.parse("2049-12-31T23:59:59.999Z")));
        assertArrayEquals(bytes(0x18, "20500101000000Z"), DerWriter.time(Instant.parse("2050-01-01T00:00:00Z")));
        assertArrayEquals(bytes(0x17, "500101000000Z"), DerWriter.time(Instant.parse("1950-01-01T00:00:00Z")));
        assertThrows(IllegalArgumentException.class, () -> DerWriter.time(Instant.parse("1949-12-31T23:59:59Z")));
    }

    @Test
    void writesBooleansBitStringsSetsAndExplicitTags() {
        assertArrayEquals(hex("01 01 ff"), DerWriter.bool(true));
        assertArrayEquals(hex("01 01 00"), DerWriter.bool(false));
        assertArrayEquals(hex("03 02 07 80"), DerWriter.bitString(new byte[] {(byte) 0x80}, 7));
        assertArrayEquals(hex("03 01 00"), DerWriter.bitString(new byte[0]));
        assertArrayEquals(hex("31 03 02 01 05"), DerWriter.set(DerWriter.integer(5)));
        assertArrayEquals(hex("a3 02 30 00"), DerWriter.explicit(3, DerWriter.sequence()));
        assertArrayEquals(hex("0c 02 c3 a9"), DerWriter.utf8String("\u00e9"));
        assertThrows(IllegalArgumentException.class, () -> DerWriter.bitString(new byte[0], 1));
        assertThrows(IllegalArgumentException.class, () -> DerWriter.explicit(31, DerWriter.sequence()));
    }

    @Test
    void writesPositiveIntegersWithASignByteOnlyWhenTheTopBitIsSet() {
        BigInteger high = new BigInteger(1, hex("80 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01"));
        byte[] encoded = DerWriter.integer(high);
        assertEquals(2 + 17, encoded.length);
        assertEquals(high, new DerReader(encoded).integer());
        assertArrayEquals(hex("02 01 7f"), DerWriter.integer(BigInteger.valueOf(127)));
        assertArrayEquals(hex("02 02 00 80"), DerWriter.integer(BigInteger.valueOf(128)));
    }

    @Test
    void roundTripsANestedStructureThroughTheReader() {
        byte[] content = new byte[300];
        byte[] der = DerWriter.sequence(DerWriter.objectIdentifier("2.5.29.17"), DerWriter.bitString(content),
                DerWriter.explicit(0, DerWriter.integer(2)));
        DerReader reader = new DerReader(der).sequence();
        assertEquals("2.5.29.17", reader.objectIdentifier());
        assertArrayEquals(content, reader.bitString());
        assertEquals(BigInteger.TWO, reader.constructed(0xa0).integer());
        reader.expectEnd();
    }

    private static byte[] bytes(int tag, String ascii) {
        return DerWriter.tagged(tag, ascii.getBytes(StandardCharsets.US_ASCII));
    }
}
