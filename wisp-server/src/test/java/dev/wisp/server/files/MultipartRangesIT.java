package dev.wisp.server.files;

import static dev.wisp.server.files.FileServerFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.files.FileServerFixture.Response;
import dev.wisp.testing.PeerTools;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several byte ranges of the 100-byte {@code data.bin} as {@code multipart/byteranges} (RFC 9110 §14.6, §15.3.7),
 * read with a raw socket and with curl, and the limits against amplification: more than 16 ranges, or overlapping
 * ones, get the whole file once.
 */
class MultipartRangesIT {
    private static final Pattern BOUNDARY =
            Pattern.compile("multipart/byteranges; boundary=([0-9A-Za-z'()+_,./:=?-]+)");

    @RegisterExtension
    final FileServerFixture server = new FileServerFixture();

    /** One body part: its Content-Range and its bytes. */
    private record BodyPart(String contentRange, String contentType, byte[] bytes) {
    }

    @Test
    void servesSeveralRangesAsMultipartInTheOrderAsked() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/data.bin", "Range: bytes=50-52, 0-1,-2, 200-300");
            assertEquals(206, response.status());
            assertEquals(Integer.toString(response.body().length), response.header("Content-Length"));
            assertEquals(null, response.header("Content-Range"));
            List<BodyPart> parts = parse(response);
            assertEquals(3, parts.size());
            assertPart(parts.get(0), 50, 52);
            assertPart(parts.get(1), 0, 1);
            assertPart(parts.get(2), 98, 99);
        });
    }

    @Test
    void servesSixteenRangesButNotSeventeen() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response sixteen = server.get("/data.bin", "Range: " + ByteRangeParserTest.ranges(16));
            assertEquals(206, sixteen.status());
            assertEquals(16, parse(sixteen).size());
            Response seventeen = server.get("/data.bin", "Range: " + ByteRangeParserTest.ranges(17));
            assertEquals(200, seventeen.status());
            assertArrayEquals(FileServerFixture.DATA, seventeen.body());
        });
    }

    @Test
    void overlappingRangesGetTheWholeFileOnce() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/data.bin", "Range: bytes=0-99,0-99,0-99,0-99");
            assertEquals(200, response.status());
            assertArrayEquals(FileServerFixture.DATA, response.body());
        });
    }

    @Test
    void noSatisfiableRangeIsNotSatisfiable() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/data.bin", "Range: bytes=100-,200-300");
            assertEquals(416, response.status());
            assertEquals("bytes */100", response.header("Content-Range"));
        });
    }

    @Test
    void curlReadsTheParts() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String curl = PeerTools.require("curl").toString();
            PeerTools.Result result = PeerTools.run(Duration.ofSeconds(10), List.of(curl, "-sS", "-i",
                    "-r", "0-1,3-4", "--max-time", "5", server.url("/hello.txt")));
            assertEquals(0, result.exitCode(), result.stderr());
            Response response = Response.parse(result.stdout().getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(206, response.status());
            List<BodyPart> parts = parse(response);
            assertEquals(2, parts.size());
            assertEquals("bytes 0-1/12", parts.get(0).contentRange());
            assertEquals("he", new String(parts.get(0).bytes(), StandardCharsets.US_ASCII));
            assertEquals("bytes 3-4/12", parts.get(1).contentRange());
            assertEquals("lo", new String(parts.get(1).bytes(), StandardCharsets.US_ASCII));
            assertEquals("text/plain; charset=utf-8", parts.get(1).contentType());
        });
    }

    private static void assertPart(BodyPart part, int first, int last) {
        assertEquals("bytes " + first + "-" + last + "/100", part.contentRange());
        assertEquals("application/octet-stream", part.contentType());
        assertArrayEquals(Arrays.copyOfRange(FileServerFixture.DATA, first, last + 1), part.bytes());
    }

    /**
     * Splits a multipart/byteranges body at its boundary delimiters (RFC 2046 §5.1.1): each part is CRLF-separated
     * header lines, an empty line, then exactly as many bytes as its Content-Range says; the last delimiter ends
     * with "--".
     */
    private static List<BodyPart> parse(Response response) {
        Matcher boundary = BOUNDARY.matcher(response.header("Content-Type"));
        assertTrue(boundary.matches(), response.header("Content-Type"));
        String body = new String(response.body(), StandardCharsets.ISO_8859_1);
        String delimiter = "--" + boundary.group(1);
        List<BodyPart> parts = new ArrayList<>();
        int at = body.indexOf(delimiter);
        assertTrue(at >= 0, body);
        while (!body.startsWith(delimiter + "--", at)) {
            int headEnd = body.indexOf("\r\n\r\n", at);
            String contentRange = null;
            String contentType = null;
            for (String line : body.substring(at + delimiter.length() + 2, headEnd).split("\r\n")) {
                String value = line.substring(line.indexOf(':') + 1).strip();
                if (line.regionMatches(true, 0, "Content-Range:", 0, 14)) {
                    contentRange = value;
                } else if (line.regionMatches(true, 0, "Content-Type:", 0, 13)) {
                    contentType = value;
                }
            }
            String[] range = contentRange.substring("bytes ".length(), contentRange.indexOf('/')).split("-");
            int length = Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
            int dataStart = headEnd + 4;
            parts.add(new BodyPart(contentRange, contentType,
                    Arrays.copyOfRange(response.body(), dataStart, dataStart + length)));
            at = dataStart + length;
            assertTrue(body.startsWith("\r\n" + delimiter, at), "no delimiter after a part: " + body.substring(at));
            at += 2;
        }
        assertEquals(body.length(), at + delimiter.length() + 4, "the body ends with the close delimiter and CRLF");
        return parts;
    }
}
