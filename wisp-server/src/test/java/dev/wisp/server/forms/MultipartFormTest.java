package dev.wisp.server.forms;

import static dev.wisp.server.forms.MultipartBodies.BOUNDARY;
import static dev.wisp.server.forms.MultipartBodies.bytes;
import static dev.wisp.server.forms.MultipartBodies.close;
import static dev.wisp.server.forms.MultipartBodies.field;
import static dev.wisp.server.forms.MultipartBodies.file;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MessageTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A multipart form read whole: parts in memory or spilled to files, the files deleted, part heads read. */
class MultipartFormTest {
    @TempDir
    Path uploads;

    @Test
    void keepsSmallPartsInMemoryAndSpillsLargerOnesToTheTempDirectory() throws IOException {
        String large = "L".repeat(101);
        FormConfig config = FormConfig.builder().memoryThresholdBytes(100).tempDirectory(uploads).build();

        MultipartForm form = read(field("title", "Hi") + file("small", "s.txt", "text/plain", "x".repeat(100))
                + file("large", "l.txt", "text/plain", large) + close(), config);

        assertEquals(List.of("title", "small", "large"), form.parts().stream().map(Part::name).toList());
        assertTrue(form.part("small").orElseThrow().isInMemory());
        Part spilled = form.part("large").orElseThrow();
        assertFalse(spilled.isInMemory());
        assertEquals(uploads, spilled.file().orElseThrow().getParent());
        assertEquals(101, spilled.size());
        assertEquals(large, spilled.text());
        assertEquals(List.of(spilled.file().orElseThrow()), listFiles());
        assertEquals(Optional.of("Hi"), form.fields().first("title"));
        assertEquals(List.of("small", "large"), form.files().stream().map(Part::name).toList());

        form.close();
        assertEquals(List.of(), listFiles());
        form.close();
    }

    @Test
    void writesEveryPartToAFileWithAThresholdOfZero() throws IOException {
        FormConfig config = FormConfig.builder().memoryThresholdBytes(0).tempDirectory(uploads).build();

        try (MultipartForm form = read(field("a", "1") + field("empty", "") + close(), config)) {
            assertFalse(form.part("a").orElseThrow().isInMemory());
            assertTrue(form.part("empty").orElseThrow().isInMemory(), "no bytes, no file");
            assertEquals(1, listFiles().size());
        }
        assertEquals(List.of(), listFiles());
    }

    @Test
    void deletesTheFilesItMadeWhenTheBodyTurnsOutBroken() throws IOException {
        FormConfig config = FormConfig.builder().memoryThresholdBytes(10).tempDirectory(uploads).build();
        String truncated = file("a", "a.bin", "application/octet-stream", "x".repeat(5000)) + "--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"b\"; filename=\"b.bin\"\r\n\r\n" + "y".repeat(5000);

        assertThrows(MalformedMessageException.class, () -> read(truncated, config));
        assertEquals(List.of(), listFiles());
    }

    @Test
    void deletesTheFilesItMadeWhenALimitIsCrossed() throws IOException {
        FormConfig config = FormConfig.builder().memoryThresholdBytes(10).maxFileBytes(3000).tempDirectory(uploads)
                .build();

        assertThrows(MessageTooLargeException.class, () -> read(file("a", "a.bin", "application/octet-stream",
                "x".repeat(2000)) + file("b", "b.bin", "application/octet-stream", "y".repeat(4000)) + close(),
                config));
        assertEquals(List.of(), listFiles());
    }

    @Test
    void savesAPartInMemoryAndMovesASpilledOne() throws IOException {
        FormConfig config = FormConfig.builder().memoryThresholdBytes(4).tempDirectory(uploads).build();
        Path saved = Files.createTempDirectory("wisp-saved-");
        try (MultipartForm form = read(field("a", "1234") + field("b", "12345") + close(), config)) {
            form.part("a").orElseThrow().saveTo(saved.resolve("a"));
            form.part("b").orElseThrow().saveTo(saved.resolve("b"));
            assertEquals(List.of(), listFiles());
        }
        assertEquals("1234", Files.readString(saved.resolve("a")));
        assertEquals("12345", Files.readString(saved.resolve("b")));
        Files.delete(saved.resolve("a"));
        Files.delete(saved.resolve("b"));
        Files.delete(saved);
    }

    @Test
    void readsFieldTextInThePartsCharset() throws IOException {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"latin\"\r\n"
                + "Content-Type: text/plain; charset=ISO-8859-1\r\n\r\ncaf\u00e9\r\n"
                + field("utf8", new String("caf\u00e9".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1))
                + close();

        try (MultipartForm form = read(body, FormConfig.defaults())) {
            assertEquals(Optional.of("caf\u00e9"), form.fields().first("latin"));
            assertEquals(Optional.of("caf\u00e9"), form.fields().first("utf8"));
            assertArrayEquals(new byte[] {'c', 'a', 'f', (byte) 0xe9}, form.part("latin").orElseThrow().bytes());
        }
    }

    @Test
    void readsNamesAndFileNamesAsBrowsersAndCurlSendThem() throws IOException {
        String utf8 = new String("r\u00e9sum\u00e9.pdf".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        String body = head("form-data; name=\"a\"; filename=\"" + utf8 + "\"")
                + head("form-data; name=b; filename=\"C:\\dir\\b.txt\"")
                + head("form-data; name=\"c\"; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt")
                + head("FORM-DATA;name=\"d\" ; filename=\"semi;colon.txt\"")
                + head("form-data; name=\"e\"; filename=\"\"")
                + close();

        try (MultipartForm form = read(body, FormConfig.defaults())) {
            assertEquals(List.of(Optional.of("r\u00e9sum\u00e9.pdf"), Optional.of("C:\\dir\\b.txt"),
                    Optional.of("\u20ac rates.txt"), Optional.of("semi;colon.txt"), Optional.of("")),
                    form.parts().stream().map(Part::filename).toList());
            assertEquals(List.of("a", "b", "c", "d", "e"), form.parts().stream().map(Part::name).toList());
        }
    }

    @Test
    void refusesAPartWithoutAFormDataDispositionAndName() {
        assertMalformed("--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nx\r\n" + close(),
                "multipart part has no Content-Disposition");
        assertMalformed(head("attachment; name=\"a\"") + close(),
                "multipart part's Content-Disposition is not form-data: 'attachment; name=\"a\"'");
        assertMalformed(head("form-data; filename=\"a.txt\"") + close(),
                "multipart part's Content-Disposition has no name: 'form-data; filename=\"a.txt\"'");
        assertMalformed(head("form-data; name=\"a") + close(),
                "multipart part's Content-Disposition has an unterminated quoted value: 'form-data; name=\"a'");
    }

    private static String head(String disposition) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: " + disposition + "\r\n\r\ncontent\r\n";
    }

    private static MultipartForm read(String body, FormConfig config) throws IOException {
        InputStream in = new ByteArrayInputStream(bytes(body));
        MultipartForm form = new MultipartForm();
        form.readAll(new MultipartReader(in, BOUNDARY, config), config);
        return form;
    }

    private void assertMalformed(String body, String message) {
        var e = assertThrows(MalformedMessageException.class, () -> read(body, FormConfig.defaults()));
        assertEquals(message, e.getMessage());
    }

    private List<Path> listFiles() throws IOException {
        try (Stream<Path> files = Files.list(uploads)) {
            return files.toList();
        }
    }
}
