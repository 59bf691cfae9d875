package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class AsciiTest {
    @Test
    void lowerCasesAsciiLettersOnly() {
        String lower = "already-lower";

        assertSame(lower, Ascii.toLowerCase(lower));
        assertEquals("content-type", Ascii.toLowerCase("Content-TYPE"));
        assertEquals("éÉ", Ascii.toLowerCase("éÉ"));
        assertEquals("ıi", Ascii.toLowerCase("ıI"));
    }

    @Test
    void escapesControlAndNonAsciiCharacters() {
        assertEquals("a\\r\\n\\t\\\\\\x00\\x7f\\xe9", Ascii.escape("a\r\n\t\\\0\u007fé"));
        assertEquals("a\\r\\x00\\xff", Ascii.escape(new byte[] {'a', '\r', 0, (byte) 0xff}, 0, 4));
        assertEquals("\\r", Ascii.escape(new byte[] {'a', '\r', 'b'}, 1, 1));
    }

    @Test
    void escapesCharactersAboveLatin1AsUnicode() {
        assertEquals("\\u20ac\\u0100", Ascii.escape("€\u0100"));
    }

    @Test
    void echoesAtMostSixtyFourCharacters() {
        String text = "x".repeat(65);

        assertEquals("x".repeat(64) + "...", Ascii.escape(text));
        assertEquals("x".repeat(64), Ascii.escape("x".repeat(64)));
        assertEquals("x".repeat(64) + "...", Ascii.escape(Ascii.bytes(text), 0, 65));
    }

    @Test
    void encodesLatin1Text() {
        assertArrayEquals(new byte[] {'a', (byte) 0xe9}, Ascii.bytes("aé"));
    }
}
