package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PercentEncodingTest {
    @Test
    void returnsTextWithoutEscapesAsItIs() throws Exception {
        String text = "plain-text_1.2~";

        assertSame(text, PercentEncoding.decode(text, false));
        assertEquals("a+b", PercentEncoding.decode("a+b", false));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "%41%42c|ABc",
        "%2f%2F|//",
        "%20|' '",
        "%00|'\u0000'",
        "%C3%A9t%C3%A9|été",
        "%E2%82%AC|€",
        "%F0%9F%98%80|😀",
        "%25|%",
    })
    void decodesEscapesAsUtf8(String encoded, String decoded) throws Exception {
        assertEquals(decoded, PercentEncoding.decode(encoded, false));
    }

    @Test
    void decodesPlusAsSpaceOnlyWhenAsked() throws Exception {
        assertEquals("a b c", PercentEncoding.decode("a+b%20c", true));
        assertEquals("a+b c", PercentEncoding.decode("a+b%20c", false));
        assertEquals("+", PercentEncoding.decode("%2B", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "a%", "%4", "a%4"})
    void rejectsAnIncompleteEscape(String text) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> PercentEncoding.decode(text, false));

        assertEquals("incomplete percent-encoding in '" + text + "'", e.getMessage());
        assertEquals(Status.BAD_REQUEST, e.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"%zz", "%4g", "%g4", "%-1", "% 1", "%+1", "%\u0664\u0661", "%\uff14\uff11"})
    void rejectsAnEscapeThatIsNotTwoAsciiHexDigits(String text) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> PercentEncoding.decode(text, false));

        assertEquals("invalid percent-encoding in '" + Ascii.escape(text) + "'", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"%C3", "%C3%28", "%80", "%ED%A0%80", "%F8%88%80%80%80", "%C0%AF", "%E0%80%AF"})
    void rejectsBytesThatAreNotUtf8(String text) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> PercentEncoding.decode(text, false));

        assertEquals("percent-encoded bytes are not UTF-8 in '" + text + "'", e.getMessage());
    }

    @Test
    void rejectsRawNonAsciiCharacters() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> PercentEncoding.decode("%41é", false));

        assertEquals("non-ASCII character in '%41\\xe9'", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "abc|abc",
        "a b|a%20b",
        "a/b|a%2Fb",
        "a?b#c|a%3Fb%23c",
        "été|%C3%A9t%C3%A9",
        "100%|100%25",
        "-._~!$&'()*+,;=:@|-._~!$&'()*+,;=:@",
    })
    void encodesAPathSegment(String segment, String encoded) throws Exception {
        assertEquals(encoded, PercentEncoding.encodePathSegment(segment));
        assertEquals(segment, PercentEncoding.decode(encoded, false));
    }

    /** What a URI cannot hold goes percent-encoded, an escape already there stays, the rest is left as it is. */
    @Test
    void escapesWhatAUriCannotHold() {
        String typed = "/a b?x=1|2&q=\"c\"&d=^`{}<>\\&e=%zz&f=%41&g=100%&h=\u00e9";
        assertEquals("/a%20b?x=1%7C2&q=%22c%22&d=%5E%60%7B%7D%3C%3E%5C&e=%25zz&f=%41&g=100%25&h=\u00e9",
                PercentEncoding.escapeUnsafe(typed, false));
        assertEquals("/caf%E9%C3%A9%7F", PercentEncoding.escapeUnsafe("/caf\u00e9\u00c3\u00a9\u007f", true),
                "a field's chars as the bytes they stand for");
        String clean = "/path?q=%20ok";
        assertSame(clean, PercentEncoding.escapeUnsafe(clean, true));
    }
}
