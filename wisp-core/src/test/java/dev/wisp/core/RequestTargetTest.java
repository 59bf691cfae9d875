package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetTest {
    @Test
    void parsesAnOriginFormTarget() throws Exception {
        RequestTarget target = RequestTarget.parse("/a/b%20c/?x=1&y");

        assertEquals(RequestTarget.Form.ORIGIN, target.form());
        assertEquals("/a/b%20c/?x=1&y", target.raw());
        assertEquals("/a/b%20c/", target.rawPath());
        assertEquals(Optional.of("x=1&y"), target.rawQuery());
        assertEquals(List.of("a", "b c"), target.segments());
        assertEquals("/a/b c/", target.path());
        assertTrue(target.hasTrailingSlash());
        assertEquals(Optional.empty(), target.scheme());
        assertEquals(Optional.empty(), target.authority());
    }

    @Test
    void parsesTheRootPath() throws Exception {
        RequestTarget target = RequestTarget.parse("/");

        assertEquals(List.of(), target.segments());
        assertEquals("/", target.path());
        assertFalse(target.hasTrailingSlash());
        assertEquals(Optional.empty(), target.rawQuery());
    }

    @Test
    void decodesAOneSegmentPathByTheRulesOfLongerOnes() throws Exception {
        assertEquals(List.of("a b"), RequestTarget.parse("/a%20b").segments());
        assertEquals(List.of(".a"), RequestTarget.parse("/.a").segments());
        assertEquals(List.of("..."), RequestTarget.parse("/...").segments());
        assertEquals(List.of(), RequestTarget.parse("/.").segments());
        assertEquals(List.of(), RequestTarget.parse("/%2e?q").segments());
        assertEquals("/", RequestTarget.parse("/.").path());
        assertEquals(List.of("a"), RequestTarget.parse("/a/.").segments());
        assertEquals(List.of("b"), RequestTarget.parse("/a//../../b").segments());
    }

    @Test
    void parsesAnAbsoluteFormTarget() throws Exception {
        RequestTarget target = RequestTarget.parse("HTTP://Example.com:8080/a/b?q");

        assertEquals(RequestTarget.Form.ABSOLUTE, target.form());
        assertEquals(Optional.of("http"), target.scheme());
        assertEquals(Optional.of("Example.com:8080"), target.authority());
        assertEquals("/a/b", target.rawPath());
        assertEquals(List.of("a", "b"), target.segments());
        assertEquals(Optional.of("q"), target.rawQuery());
    }

    @ParameterizedTest
    @CsvSource({"http://h, /, ''", "http://h?q=1, /, q=1", "http://[::1]:80/x, /x, ''"})
    void givesAnAbsoluteFormTargetWithoutPathTheRootPath(String raw, String path, String query) throws Exception {
        RequestTarget target = RequestTarget.parse(raw);

        assertEquals(path, target.path());
        assertEquals(query, target.rawQuery().orElse(""));
    }

    @Test
    void parsesAnAuthorityFormTarget() throws Exception {
        RequestTarget target = RequestTarget.parseAuthority("example.com:443");

        assertEquals(RequestTarget.Form.AUTHORITY, target.form());
        assertEquals(Optional.of("example.com:443"), target.authority());
        assertEquals("example.com:443", target.path());
        assertEquals("", target.rawPath());
        assertEquals(List.of(), target.segments());
        assertEquals("[::1]:8443", RequestTarget.parseAuthority("[::1]:8443").raw());
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", ":443", "example.com:", "user@example.com:443", "example.com:44x",
        "example.com:-1", "/path:80", "exa mple.com:80", "[::1]"})
    void rejectsAnAuthorityFormTargetThatIsNotHostAndPort(String raw) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> RequestTarget.parseAuthority(raw));

        assertTrue(e.getMessage().startsWith("CONNECT target '" + raw + "'")
                || e.getMessage().startsWith("request target has a forbidden character in its authority"),
                e.getMessage());
    }

    @Test
    void parsesTheAsteriskForm() throws Exception {
        RequestTarget target = RequestTarget.parse("*");

        assertEquals(RequestTarget.Form.ASTERISK, target.form());
        assertEquals("*", target.path());
        assertSame(target, RequestTarget.parse("*"));
    }

    @ParameterizedTest
    @CsvSource({
        "/a/./b, /a/b",
        "/a/../b, /b",
        "/a/b/.., /a/",
        "/a/b/%2E%2e, /a/",
        "/a.txt/., /a.txt/",
        "/sub/%2e, /sub/",
        "/a/.., /",
        "/., /",
        "/a/%2e%2e/b, /b",
        "/a/%2E%2e/b, /b",
        "/a/%2e/b, /a/b",
        "/a/.%2e/b, /b",
        "/a//b, /a/b",
        "/a/b/../../c, /c",
        "/a/..%2f..%2fb, /a/../../b",
    })
    void removesDotSegmentsAfterDecoding(String raw, String path) throws Exception {
        assertEquals(path, RequestTarget.parse(raw).path());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/../a", "/a/../..", "/%2e%2e", "/a/%2E%2E/%2e%2e/etc/passwd", "http://h/../x"})
    void rejectsAPathThatClimbsAboveTheRoot(String raw) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> RequestTarget.parse(raw));

        assertEquals("request path climbs above the root: '" + raw + "'", e.getMessage());
    }

    @Test
    void keepsAnEncodedSlashInsideItsSegment() throws Exception {
        RequestTarget target = RequestTarget.parse("/a%2Fb/c");

        assertEquals(List.of("a/b", "c"), target.segments());
        assertEquals("/a/b/c", target.path());
    }

    @Test
    void decodesUtf8Segments() throws Exception {
        assertEquals(List.of("été", "€"), RequestTarget.parse("/%C3%A9t%C3%A9/%E2%82%AC").segments());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/%zz|invalid percent-encoding in '%zz'",
        "/a%4|incomplete percent-encoding in 'a%4'",
        "/%C3%28|percent-encoded bytes are not UTF-8 in '%C3%28'",
    })
    void rejectsAMalformedEscapeInThePath(String raw, String message) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> RequestTarget.parse(raw));

        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a b", "/a#frag", "/a\"b", "/a<b>", "/a\\b", "/a{b}", "/a`b", "/a\rb", "/a\0b", "/é",
        "/a\u007fb"})
    void rejectsForbiddenCharactersInThePath(String raw) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> RequestTarget.parse(raw));

        assertEquals("request target has a forbidden character in its path: '" + Ascii.escape(raw) + "'",
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/?a b", "/?a#b", "/?a\"b", "/?a\nb", "/?a<b>", "/?é", "/?a\u007fb"})
    void rejectsForbiddenCharactersInTheQuery(String raw) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> RequestTarget.parse(raw));

        assertEquals("request target has a forbidden character in its query: '" + Ascii.escape(raw) + "'",
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ' ', value = {
        "/photo[1].jpg /photo[1].jpg",
        "/a|b^c /a|b^c",
        "/a%5B1%5D /a[1]",
    })
    void acceptsWhatBrowsersSendUnencodedInAPath(String raw, String path) throws Exception {
        assertEquals(path, RequestTarget.parse(raw).path());
    }

    @ParameterizedTest
    @ValueSource(strings = {"filter[name]=x", "a[]=1&a[]=2", "q={a}", "x=a|b^c`d\\e"})
    void acceptsWhatBrowsersSendUnencodedInAQuery(String query) throws Exception {
        assertEquals(query, RequestTarget.parse("/search?" + query).rawQuery().orElseThrow());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http:///path|request target has an empty authority: 'http:///path'",
        "http://h st/|request target has a forbidden character in its authority: 'http://h st/'",
        "http://h\"/|request target has a forbidden character in its authority: 'http://h\"/'",
        "path|request target 'path' is not in origin, absolute or asterisk form",
        "''|request target '' is not in origin, absolute or asterisk form",
        "**|request target '**' is not in origin, absolute or asterisk form",
        "1http://h/|request target '1http://h/' is not in origin, absolute or asterisk form",
        "h_ttp://h/|request target 'h_ttp://h/' is not in origin, absolute or asterisk form",
        "é://h/|request target '\\xe9://h/' is not in origin, absolute or asterisk form",
        "://h/|request target '://h/' is not in origin, absolute or asterisk form",
        "http://user:pass@h/|request target has userinfo in its authority: 'http://user:pass@h/'",
        "http://h:abc/|request target's authority is not host[:port]: 'http://h:abc/'",
        "http://[::1/|request target's authority is not host[:port]: 'http://[::1/'",
        "http://evil.example@good.example/|request target has userinfo in its authority: "
                + "'http://evil.example@good.example/'",
    })
    void rejectsMalformedTargets(String raw, String message) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> RequestTarget.parse(raw));

        assertEquals(message, e.getMessage());
    }

    @Test
    void parsesQueryParameters() throws Exception {
        RequestTarget target = RequestTarget.parse("/p?a=1&b=x+y&a=2&flag&&c=%C3%A9&=empty&d=");

        assertEquals(Map.of("a", List.of("1", "2"), "b", List.of("x y"), "flag", List.of(""), "c", List.of("é"),
                "", List.of("empty"), "d", List.of("")), target.queryParameters());
        assertEquals(List.of("a", "b", "flag", "c", "", "d"), List.copyOf(target.queryParameters().keySet()));
    }

    @Test
    void hasNoQueryParametersWithoutAQuery() throws Exception {
        assertEquals(Map.of(), RequestTarget.parse("/p").queryParameters());
        assertEquals(Map.of(), RequestTarget.parse("/p?").queryParameters());
        assertEquals(Optional.of(""), RequestTarget.parse("/p?").rawQuery());
    }

    @Test
    void keepsEqualsSignsAndQuestionMarksInParameterValues() throws Exception {
        assertEquals(Map.of("a", List.of("b=c?d")), RequestTarget.parse("/p?a=b=c?d").queryParameters());
    }

    @Test
    void rejectsAMalformedEscapeInAQueryParameter() throws Exception {
        RequestTarget target = RequestTarget.parse("/p?a=%zz");

        MalformedMessageException e = assertThrows(MalformedMessageException.class, target::queryParameters);
        assertEquals("invalid percent-encoding in '%zz'", e.getMessage());
    }

    @Test
    void makesAnOriginFormTargetForAClient() {
        assertEquals(List.of("a"), RequestTarget.origin("/a?b").segments());
        IllegalArgumentException notOrigin = assertThrows(IllegalArgumentException.class,
                () -> RequestTarget.origin("http://h/"));
        assertEquals("origin-form target must start with '/': http://h/", notOrigin.getMessage());
        IllegalArgumentException climbing = assertThrows(IllegalArgumentException.class,
                () -> RequestTarget.origin("/../a"));
        assertEquals("request path climbs above the root: '/../a'", climbing.getMessage());
    }

    @Test
    void sendsAClientsEscapesThatAreNotUtf8AsTheyAreWhereAServerRefusesThem() {
        // A legacy server's Latin-1 file name: its bytes are its business.
        RequestTarget latin1 = RequestTarget.origin("/files/caf%e9?q=%e9");

        assertEquals("/files/caf%e9?q=%e9", latin1.raw());
        assertEquals(List.of("files", "caf\u00e9"), latin1.segments(), "decoded byte by byte");
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> RequestTarget.parse("/files/caf%e9"));
        assertEquals("percent-encoded bytes are not UTF-8 in 'caf%e9'", e.getMessage());
        IllegalArgumentException climbing = assertThrows(IllegalArgumentException.class,
                () -> RequestTarget.origin("/%e9/../../a"));
        assertEquals("request path climbs above the root: '/%e9/../../a'", climbing.getMessage());
    }

    @Test
    void comparesByFormAndRawText() throws Exception {
        assertEquals(RequestTarget.parse("/a?b"), RequestTarget.parse("/a?b"));
        assertEquals(RequestTarget.parse("/a?b").hashCode(), RequestTarget.parse("/a?b").hashCode());
        assertFalse(RequestTarget.parse("/a/../b").equals(RequestTarget.parse("/b")));
        assertEquals("/a?b", RequestTarget.parse("/a?b").toString());
    }
}
