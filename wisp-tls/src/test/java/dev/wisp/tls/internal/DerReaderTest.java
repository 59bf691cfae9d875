package dev.wisp.tls.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The DER reader is strict, and reads what the writer writes. */
class DerReaderTest {
    @Test
    void readsWhatTheWriterWrites() {
        byte[] der = DerWriter.sequence(DerWriter.integer(300), DerWriter.objectIdentifier("1.2.840.10045.3.1.7"),
                DerWriter.octetString(new byte[200]), DerWriter.nullValue());
        DerReader sequence = new DerReader(der).sequence();
        assertEquals(BigInteger.valueOf(300), sequence.integer());
        assertEquals("1.2.840.10045.3.1.7", sequence.objectIdentifier());
        assertArrayEquals(new byte[200], sequence.octetString());
        sequence.readNull();
        sequence.expectEnd();
    }

    @Test
    void writesKnownEncodings() {
        assertEquals("06082a8648ce3d030107",
                HexFormat.of().formatHex(DerWriter.objectIdentifier("1.2.840.10045.3.1.7")));
        assertEquals("0481c8", HexFormat.of().formatHex(DerWriter.octetString(new byte[200])).substring(0, 6));
    }

    @Test
    void refusesIndefiniteAndNonMinimalLengths() {
        assertEquals("indefinite DER length", fails("3080020100"));
        assertEquals("DER length is not minimally encoded", fails("308103020100"));
        assertEquals("DER element of 5 bytes exceeds its 3 remaining", fails("3005020100"));
    }

    @Test
    void refusesNonMinimalIntegersAndWrongTags() {
        assertEquals("DER INTEGER is not minimally encoded",
                assertThrows(DerException.class, () -> new DerReader(HexFormat.of().parseHex("02020001")).integer())
                        .getMessage());
        assertEquals("expected DER tag 0x30, found 0x02", fails("020100"));
    }

    private static String fails(String hex) {
        return assertThrows(DerException.class, () -> new DerReader(HexFormat.of().parseHex(hex)).sequence().integer())
                .getMessage();
    }
}
