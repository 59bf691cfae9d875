package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JsonStringsTest {
    @Test
    void escapesWhatJsonRequiresAndTheControlsATerminalObeys() {
        assertEquals("\"plain text, caf\u00e9 \u20ac\"", JsonStrings.quote("plain text, caf\u00e9 \u20ac"));
        assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\\u0000\\u001b[31m\"",
                JsonStrings.quote("a\"b\\c\nd\re\tf\0\u001b[31m"));
        assertEquals("\"\\u007f\\u0080\\u009b\u00a0\"", JsonStrings.quote("\u007f\u0080\u009b\u00a0"));
        assertEquals("\"\\ud83d\\ude00 \\udc00\"", JsonStrings.quote("\ud83d\ude00 \udc00"),
                "surrogates, paired or not");
        assertEquals("null", JsonStrings.append(new StringBuilder(), null).toString());
    }

    @Test
    void everyCharacterComesOutWithoutAControl() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            all.append(c);
        }
        String json = JsonStrings.quote(all.toString());
        assertTrue(json.chars().allMatch(c -> c >= 0x20 && (c < 0x7f || c > 0x9f) && !Character.isSurrogate((char) c)),
                "only characters that need no escape are left as they are");
    }
}
