package dev.wisp.server.files;

import static dev.wisp.server.files.FileServerFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.files.FileServerFixture.Response;
import dev.wisp.testing.PeerTools;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Range requests on the 100-byte {@code data.bin}: 206, 416, ignored ranges and If-Range, and near the end of a
 * file over 2 GiB. Several ranges: {@link MultipartRangesIT}.
 */
class FileHandlerRangeIT {
    @RegisterExtension
    final FileServerFixture server = new FileServerFixture();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bytes=0-4     | 0  | 4",
        "bytes=95-     | 95 | 99",
        "bytes=-10     | 90 | 99",
        "bytes=-500    | 0  | 99",
        "bytes=90-1000 | 90 | 99",
        "bytes=99-99   | 99 | 99",
        "BYTES = 1-2 , | 1  | 2",
    })
    void servesOneRangeAsPartialContent(String range, int first, int last) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/data.bin", "Range: " + range);
            assertEquals(206, response.status());
            assertEquals("bytes " + first + "-" + last + "/100", response.header("Content-Range"));
            assertEquals(Integer.toString(last - first + 1), response.header("Content-Length"));
            assertEquals("application/octet-stream", response.header("Content-Type"));
            assertArrayEquals(Arrays.copyOfRange(FileServerFixture.DATA, first, last + 1), response.body());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=100-", "bytes=200-300", "bytes=-0"})
    void rangePastTheEndIsNotSatisfiable(String range) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/data.bin", "Range: " + range);
            assertEquals(416, response.status());
            assertEquals("bytes */100", response.header("Content-Range"));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-", "bytes=0-0", "bytes=-0"})
    void aPositionOfAnEmptyFileIsNotSatisfiable(String range) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/empty.txt", "Range: " + range);
            assertEquals(416, response.status());
            assertEquals("bytes */0", response.header("Content-Range"));
        });
    }

    /** RFC 9110 §14.1.1: a suffix is satisfiable even of an empty file, but no 206 can carry a part of nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"bytes=-5", "bytes=0-,-1"})
    void aSuffixOfAnEmptyFileGetsTheEmptyFileWhole(String range) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/empty.txt", "Range: " + range);
            assertEquals(200, response.status());
            assertNull(response.header("Content-Range"));
            assertEquals("0", response.header("Content-Length"));
            assertEquals(0, response.body().length);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=0-5,3-8", "bytes=0-1,5-4", "bytes=5-1", "bytes=abc", "bytes=1-2-3", "items=0-1",
        "bytes=", "0-4", "bytes=--5", "bytes=-"})
    void ignoresInvalidOrOverlappingRanges(String range) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/data.bin", "Range: " + range);
            assertEquals(200, response.status());
            assertNull(response.header("Content-Range"));
            assertArrayEquals(FileServerFixture.DATA, response.body());
        });
    }

    @Test
    void headIgnoresRange() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.request("HEAD", "/data.bin", "Range: bytes=0-4");
            assertEquals(200, response.status());
            assertEquals("100", response.header("Content-Length"));
        });
    }

    @Test
    void ifRangeWithCurrentValidatorsKeepsRange() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            // A date is a strong validator once its second is over (RFC 9110 §8.8.2.2).
            Files.setLastModifiedTime(server.root.resolve("data.bin"),
                    FileTime.from(Instant.now().minus(Duration.ofHours(1))));
            Response full = server.get("/data.bin");
            Response byTag = server.get("/data.bin", "Range: bytes=0-4", "If-Range: " + full.header("ETag"));
            assertEquals(206, byTag.status());
            Response byDate = server.get("/data.bin", "Range: bytes=0-4",
                    "If-Range: " + full.header("Last-Modified"));
            assertEquals(206, byDate.status());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"other\"", "Sun, 06 Nov 1994 08:49:37 GMT", "not a validator"})
    void ifRangeWithStaleValidatorSendsWholeFile(String ifRange) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/data.bin", "Range: bytes=0-4", "If-Range: " + ifRange);
            assertEquals(200, response.status());
            assertEquals("100", response.header("Content-Length"));
        });
    }

    @Test
    void ifRangeWithADateOfTheSecondTheFileChangedInSendsWholeFile() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            // RFC 9110 §13.1.5: a date that is not a strong validator makes If-Range false. Within the second it
            // names, the file may change again and keep the date, so the date is weak until the second is over.
            // curl asks as a client resuming a download by date would; a try counts when the server's Date names
            // the same second as Last-Modified, which a slow machine may miss.
            Path file = server.root.resolve("data.bin");
            String curl = PeerTools.require("curl").toString();
            int counted = 0;
            for (int attempt = 0; attempt < 20 && counted < 3; attempt++) {
                Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
                String lastModified = server.get("/data.bin").header("Last-Modified");
                PeerTools.Result result = PeerTools.run(Duration.ofSeconds(10), List.of(curl, "-sS", "-D", "-",
                        "-o", "/dev/null", "-r", "0-4", "-H", "If-Range: " + lastModified, server.url("/data.bin")));
                String head = result.stdout();
                if (!head.contains("\r\nDate: " + lastModified + "\r\n")) {
                    continue;
                }
                counted++;
                assertTrue(head.startsWith("HTTP/1.1 200 "), head);
                assertTrue(head.contains("\r\nContent-Length: 100\r\n"), head);
            }
            assertTrue(counted > 0, "no try was answered within the second the file changed in");
        });
    }

    @Test
    void ifRangeWithWeakTagSendsWholeFile() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String etag = server.get("/data.bin").header("ETag");
            Response response = server.get("/data.bin", "Range: bytes=0-4", "If-Range: W/" + etag);
            assertEquals(200, response.status());
        });
    }

    /**
     * Offsets past 2 GiB, where an int would overflow: a sparse 3 GiB file (no disk taken but its last block)
     * whose last four bytes are "END!", asked for by suffix, from an offset, in several ranges, and by HEAD.
     */
    @Test
    void servesRangesNearTheEndOfAFileLargerThanTwoGibibytes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            long size = 3L << 30;
            try (FileChannel file = FileChannel.open(server.root.resolve("large.bin"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
                file.write(ByteBuffer.wrap("END!".getBytes(StandardCharsets.US_ASCII)), size - 4);
            }
            Response suffix = server.get("/large.bin", "Range: bytes=-4");
            assertEquals(206, suffix.status());
            assertEquals("bytes 3221225468-3221225471/3221225472", suffix.header("Content-Range"));
            assertEquals("END!", suffix.text());
            Response open = server.get("/large.bin", "Range: bytes=3221225470-99999999999");
            assertEquals("bytes 3221225470-3221225471/3221225472", open.header("Content-Range"));
            assertEquals("D!", open.text());
            Response parts = server.get("/large.bin", "Range: bytes=2147483647-2147483648,3221225471-");
            assertEquals(206, parts.status());
            assertTrue(parts.text().contains("Content-Range: bytes 2147483647-2147483648/3221225472\r\n\r\n\0\0\r\n"),
                    parts.text());
            assertTrue(parts.text().contains("Content-Range: bytes 3221225471-3221225471/3221225472\r\n\r\n!\r\n"),
                    parts.text());
            assertEquals(416, server.get("/large.bin", "Range: bytes=3221225472-").status());
            assertEquals("3221225472", server.request("HEAD", "/large.bin").header("Content-Length"));
        });
    }
}
