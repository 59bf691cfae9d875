package dev.wisp.server.forms;

import static dev.wisp.server.forms.MultipartBodies.BOUNDARY;
import static dev.wisp.server.forms.MultipartBodies.bytes;
import static dev.wisp.server.forms.MultipartBodies.close;
import static dev.wisp.server.forms.MultipartBodies.field;
import static dev.wisp.server.forms.MultipartBodies.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.Headers;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The multipart/form-data framing of RFC 2046 §5.1 and RFC 7578, read as it arrives. */
class MultipartReaderTest {
    /** Content that holds near-delimiters: CRLF, "--", and the boundary without its leading CRLF. */
    private static final String TRICKY = "line 1\r\n--" + BOUNDARY.substring(0, 10) + "\r\n-- --" + BOUNDARY + "x";
    private static final String BODY = "preamble to ignore\r\n" + field("title", "Hello")
            + file("upload", "a.txt", "text/plain", TRICKY) + field("empty", "") + close() + "epilogue to ignore";

    @Test
    void readsEveryPartsHeadersAndContent() throws IOException {
        assertEquals(List.of("title|Hello", "upload|" + TRICKY, "empty|"),
                readAll(new ByteArrayInputStream(bytes(BODY)), FormConfig.defaults()));
    }

    @Test
    void readsTheSameOneByteAtATimeAndSplitAtEveryOffset() throws IOException {
        byte[] body = bytes(BODY);
        List<String> expected = readAll(new ByteArrayInputStream(body), FormConfig.defaults());

        assertEquals(expected, readAll(MultipartBodies.inPieces(body, 1), FormConfig.defaults()));
        for (int split = 0; split <= body.length; split++) {
            assertEquals(expected, readAll(MultipartBodies.splitAt(body, split), FormConfig.defaults()),
                    "split at " + split);
        }
    }

    @Test
    void readsABodyThatOpensWithTheDelimiterAndAPaddedDelimiterLine() throws IOException {
        String body = "--" + BOUNDARY + " \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n" + close();

        assertEquals(List.of("a|1"), readAll(new ByteArrayInputStream(bytes(body)), FormConfig.defaults()));
    }

    @Test
    void readsAPartLargerThanTheBuffer() throws IOException {
        String big = "x".repeat(50_000) + "\r\n-" + "y".repeat(20_000);

        assertEquals(List.of("big|" + big), readAll(MultipartBodies.inPieces(bytes(field("big", big) + close()),
                3000), FormConfig.builder().maxFieldBytes(100_000).build()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a ", "a\"b", "a;b", "caf\u00e9",
        "12345678901234567890123456789012345678901234567890123456789012345678901"})
    void refusesAnInvalidBoundary(String boundary) {
        var e = assertThrows(MalformedMessageException.class,
                () -> new MultipartReader(InputStream.nullInputStream(), boundary, FormConfig.defaults()));
        assertEquals(true, e.getMessage().startsWith("multipart boundary is not 1 to 70 characters"));
    }

    @Test
    void acceptsTheLongestBoundaryAndItsSpecialCharacters() throws IOException {
        String boundary = "'()+_,-./:=? " + "a".repeat(56) + "z";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--" + boundary + "--";

        MultipartReader reader = new MultipartReader(new ByteArrayInputStream(bytes(body)), boundary,
                FormConfig.defaults());
        assertEquals("form-data; name=a", reader.nextPart().firstOrNull("Content-Disposition"));
        assertEquals("1", new String(reader.content().readAllBytes(), StandardCharsets.ISO_8859_1));
        assertNull(reader.nextPart());
    }

    @Test
    void refusesABodyWithoutTheFinalBoundary() {
        assertMalformed(field("a", "1"), "multipart body ended before its closing boundary");
        assertMalformed(field("a", "1") + "--" + BOUNDARY, "multipart body ended before its closing boundary");
        assertMalformed(field("a", "1") + "--" + BOUNDARY + "-", "multipart body ended before its closing boundary");
        assertMalformed(field("a", "1") + "--" + BOUNDARY + "-x\r\n", "multipart boundary delimiter is not followed"
                + " by CRLF or '--'");
    }

    @Test
    void refusesABodyTruncatedInsideAPart() {
        String body = field("a", "some content");
        assertMalformed(body.substring(0, body.length() - 6), "multipart body ended before its closing boundary");
        assertMalformed("--" + BOUNDARY + "\r\nContent-Disposition: form-da",
                "multipart body ended in a part's header section");
    }

    @Test
    void refusesABodyWithoutAnyDelimiter() {
        assertMalformed("just text, no parts", "multipart body has no boundary delimiter");
        assertMalformed("", "multipart body has no boundary delimiter");
    }

    @Test
    void refusesBrokenPartHeaders() {
        assertMalformed("--" + BOUNDARY + "junk\r\n", "multipart boundary delimiter is not followed by CRLF or '--'");
        assertMalformed("--" + BOUNDARY + "\r\nContent-Disposition form-data\r\n\r\n\r\n" + close(),
                "multipart part has a malformed header line: 'Content-Disposition form-data'");
        assertMalformed("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=a\n\n1\r\n" + close(),
                "multipart part header line does not end with CRLF: 'Content-Disposition: form-data; name=a'");
        assertMalformed("--" + BOUNDARY + "\r\n folded: x\r\n\r\n\r\n" + close(),
                "multipart part has a malformed header line: ' folded: x'");
    }

    @Test
    void refusesMorePartsThanMaxParts() {
        String body = field("a", "1") + field("b", "2") + field("c", "3") + close();

        assertTooLarge(body, FormConfig.builder().maxParts(2).build(), "maxParts",
                "multipart body has more than 2 parts (maxParts)");
    }

    @Test
    void refusesAPartHeaderSectionLargerThanMaxPartHeaderBytes() throws IOException {
        String body = field("a", "1") + close();
        int headerBytes = ("Content-Disposition: form-data; name=\"a\"\r\n\r\n").length();

        assertEquals(List.of("a|1"), readAll(new ByteArrayInputStream(bytes(body)),
                FormConfig.builder().maxPartHeaderBytes(headerBytes).build()));
        assertTooLarge(body, FormConfig.builder().maxPartHeaderBytes(headerBytes - 1).build(), "maxPartHeaderBytes",
                "multipart part header section exceeds " + (headerBytes - 1) + " bytes (maxPartHeaderBytes)");
    }

    @Test
    void refusesABodyLargerThanMaxMultipartBytes() {
        String body = field("a", "x".repeat(20_000)) + close();

        assertTooLarge(body, FormConfig.builder().maxMultipartBytes(10_000).build(), "maxMultipartBytes",
                "multipart body exceeds 10000 bytes (maxMultipartBytes)");
    }

    @Test
    void boundsFieldsByMaxFieldBytesAndFilesByMaxFileBytes() throws IOException {
        FormConfig config = FormConfig.builder().maxFieldBytes(3).maxFileBytes(5).build();

        assertEquals(List.of("f|abc", "u|12345"), readAll(new ByteArrayInputStream(bytes(field("f", "abc")
                + file("u", "u.bin", "application/octet-stream", "12345") + close())), config));
        assertTooLarge(field("f", "abcd") + close(), config, "maxFieldBytes",
                "multipart part 'f' exceeds 3 bytes (maxFieldBytes)");
        assertTooLarge(file("u", "u.bin", "application/octet-stream", "123456") + close(), config, "maxFileBytes",
                "multipart part 'u' exceeds 5 bytes (maxFileBytes)");
    }

    /** Reads every part as "name|content", the way {@link Forms#streamMultipart} does. */
    private static List<String> readAll(InputStream in, FormConfig config) throws IOException {
        MultipartReader reader = new MultipartReader(in, BOUNDARY, config);
        List<String> parts = new ArrayList<>();
        Headers headers;
        while ((headers = reader.nextPart()) != null) {
            PartHead head = ContentDisposition.read(headers);
            byte[] content = new PartContent(reader.content(), head, config).readAllBytes();
            parts.add(head.name() + "|" + new String(content, StandardCharsets.ISO_8859_1));
        }
        assertNull(reader.nextPart());
        return parts;
    }

    private static void assertMalformed(String body, String message) {
        var e = assertThrows(MalformedMessageException.class,
                () -> readAll(new ByteArrayInputStream(bytes(body)), FormConfig.defaults()));
        assertEquals(message, e.getMessage());
        assertEquals(Status.BAD_REQUEST, e.status());
    }

    private static void assertTooLarge(String body, FormConfig config, String limitName, String message) {
        HttpProtocolException e = assertThrows(MessageTooLargeException.class,
                () -> readAll(new ByteArrayInputStream(bytes(body)), config));
        assertEquals(message, e.getMessage());
        assertEquals(limitName, ((MessageTooLargeException) e).limitName());
        assertEquals(Status.CONTENT_TOO_LARGE, e.status());
    }
}
