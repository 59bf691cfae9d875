package dev.wisp.http1;

import static dev.wisp.http1.Feeding.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.Ascii;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.UnsupportedVersionException;
import dev.wisp.core.Version;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The status line and header section, as {@link Http1ResponseReader} reads them for a client. */
class Http1ResponseReaderTest {
    private static final Http1ResponseReader READER = new Http1ResponseReader(Http1Limits.defaults());

    private static ResponseHead read(String wire) throws IOException {
        return Feeding.read(wire, READER::readHead);
    }

    private static void assertMalformed(String statusLine) {
        assertRejected(MalformedMessageException.class, 400, "malformed status line: '" + Ascii.escape(statusLine)
                + "'", statusLine + "\r\n\r\n", READER::readHead);
    }

    @Test
    void readsAStatusLineAndFieldsAndLeavesTheBodyUnread() throws Exception {
        String rest = Feeding.read("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody", in -> {
            ResponseHead head = READER.readHead(in);
            assertEquals(Version.HTTP_1_1, head.version());
            assertSame(Status.OK, head.status());
            assertEquals(Headers.of("Content-Length", "4"), head.headers());
            return Feeding.rest(in);
        });

        assertEquals("body", rest);
    }

    @Test
    void readsInterimResponsesBeforeTheFinalOne() throws Exception {
        List<Status> statuses = Feeding.read("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n", in -> List.of(READER.readHead(in).status(),
                        READER.readHead(in).status(), READER.readHead(in).status()));

        assertEquals(List.of(Status.CONTINUE, Status.of(103, "Early Hints"), Status.NO_CONTENT), statuses);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.0 404 Not Found|HTTP_1_0|404|Not Found",
        "HTTP/1.1 200 Fine thanks|HTTP_1_1|200|Fine thanks",
        "HTTP/1.1 200  spaced out |HTTP_1_1|200|spaced out",
        "HTTP/1.1 299 |HTTP_1_1|299|''",
        "HTTP/1.1 200 |HTTP_1_1|200|''",
        "HTTP/1.1 200|HTTP_1_1|200|''",
        "HTTP/1.1 999 Odd|HTTP_1_1|999|Odd",
        "HTTP/1.1 200 caf\u00e9|HTTP_1_1|200|caf\u00e9",
        "HTTP/1.2 200 OK|HTTP_1_1|200|OK",
    })
    void readsStatusLines(String line, Version version, int code, String reason) throws Exception {
        ResponseHead head = read(line + "\r\n\r\n");

        assertEquals(version, head.version());
        assertEquals(code, head.status().code());
        assertEquals(reason, head.status().reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0 200 OK", "HTTP/3.0 200 OK", "HTTP/0.9 200 OK"})
    void rejectsOtherMajorVersions(String line) {
        assertRejected(UnsupportedVersionException.class, 505, "HTTP version '" + line.substring(0, 8)
                + "' is not supported", line + "\r\n\r\n", READER::readHead);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 099 Low", "HTTP/1.1 abc OK",
        "HTTP/1.1  200 OK", "http/1.1 200 OK", "HTTP/1.1 200 O\u0000K", "HTTP/1.1 200 \u001fOK",
        "HTTP/1.1 200 OK\u001f", "HTTP/1.1-200 OK", "HTTP/1.10 200 OK", "ICY 200 OK", "", "HTTP/1.1",
        "HTTP/1.1 +20 OK", "HTTP/1.1 2\u00b20 OK", "HTTP/x.1 200 OK", "HTTP/1.1 200\tOK"})
    void rejectsMalformedStatusLines(String line) {
        assertMalformed(line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 200 O\rK", "HTTP/1.1 200 OK\r\r", "HTTP/1.1\r200 OK"})
    void rejectsABareCrInTheStatusLine(String line) {
        assertRejected(MalformedMessageException.class, 400, "bare CR in status line", line + "\n\r\n",
                READER::readHead);
    }

    @Test
    void rejectsAStatusLineOverTheLimitAsABadGateway() {
        Http1ResponseReader reader = new Http1ResponseReader(new Http1Limits(20, 16384, 100, 1024));

        MessageTooLargeException e = assertRejected(MessageTooLargeException.class, 502,
                "status line exceeds 20 bytes (maxStatusLineBytes)", "HTTP/1.1 200 " + "x".repeat(8) + "\r\n\r\n",
                reader::readHead);
        assertEquals("maxStatusLineBytes", e.limitName());
    }

    @Test
    void rejectsAHeaderSectionOverTheLimitAsABadGatewayNotA431() {
        Http1ResponseReader bytesReader = new Http1ResponseReader(new Http1Limits(8192, 16, 100, 1024));
        Http1ResponseReader countReader = new Http1ResponseReader(new Http1Limits(8192, 16384, 2, 1024));

        MessageTooLargeException bytes = assertRejected(MessageTooLargeException.class, 502,
                "header section exceeds 16 bytes (maxHeaderBytes)", "HTTP/1.1 200 OK\r\nX: 0123456789ab\r\n\r\n",
                bytesReader::readHead);
        assertEquals("maxHeaderBytes", bytes.limitName());
        MessageTooLargeException count = assertRejected(MessageTooLargeException.class, 502,
                "header section has more than 2 fields (maxHeaderCount)",
                "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", countReader::readHead);
        assertEquals("maxHeaderCount", count.limitName());
    }

    @Test
    void readsFieldsWithTheRequestRules() {
        assertRejected(MalformedMessageException.class, 400, "whitespace between field name and colon in header "
                + "section: 'X : a'", "HTTP/1.1 200 OK\r\nX : a\r\n\r\n", READER::readHead);
    }

    @Test
    void replacesAnObsoleteLineFoldingWithASpaceAsAUserAgentMust() throws Exception {
        // RFC 9112 §5.2: a server may reject it (Wisp's server does), a user agent must unfold it.
        ResponseHead head = read("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\t c \r\nY: d\r\nZ:\r\n e\r\n"
                + "W: f\r\n \r\n\r\n");

        assertEquals(Headers.of("X", "a b c", "Y", "d", "Z", "e", "W", "f"), head.headers());
    }

    @Test
    void rejectsAFoldedLineThatContinuesNothingOrHoldsAControlCharacter() {
        assertRejected(MalformedMessageException.class, 400, "obsolete line folding in header section: ' b'",
                "HTTP/1.1 200 OK\r\n b\r\n\r\n", READER::readHead);
        assertRejected(MalformedMessageException.class, 400, "control character in a folded line of header section",
                "HTTP/1.1 200 OK\r\nX: a\r\n b\u0001\r\n\r\n", READER::readHead);
    }

    @Test
    void reportsTheEndOfTheStreamInsideTheHead() {
        EOFException e = assertThrows(EOFException.class, () -> read("HTTP/1.1 200 OK\r\nX: y"));

        assertEquals("stream ended in the middle of a line", e.getMessage());
    }
}
