package dev.wisp.server.files;

import static dev.wisp.server.files.FileServerFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.files.FileServerFixture.Response;
import dev.wisp.testing.PeerTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Stored coded copies served in place of a file ({@link FileHandler.Builder#precompressed}), made by the real gzip,
 * brotli and zstd tools, and decoded by curl.
 */
class FileHandlerPrecompressedIT {
    private static final String SCRIPT = "function greet(name) { return 'hello, ' + name; }\n".repeat(40);
    private static final Map<String, String> SUFFIXES = Map.of("gzip", ".gz", "br", ".br", "zstd", ".zst");

    @RegisterExtension
    final FileServerFixture server = new FileServerFixture(root -> Router.builder()
            .get("/plain/*", FileHandler.of(root))
            .get("/*", FileHandler.builder(root).precompressed("br", "zstd", "gzip").build())
            .build());

    @BeforeEach
    void storeCopies() throws IOException, InterruptedException {
        Path script = server.root.resolve("app.js");
        Files.writeString(script, SCRIPT);
        compress(script, "gzip", "-k", "-9");
        compress(script, "brotli", "-k", "-q", "11");
        compress(script, "zstd", "-q", "-k", "-19");
        Path index = server.root.resolve("site/index.html");
        compress(index, "gzip", "-k");
    }

    private static void compress(Path file, String tool, String... options) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(PeerTools.require(tool).toString()));
        command.addAll(List.of(options));
        command.add(file.toString());
        PeerTools.Result result = PeerTools.run(Duration.ofSeconds(10), command);
        assertEquals(0, result.exitCode(), tool + ": " + result.stderr());
    }

    private byte[] copy(String coding) throws IOException {
        return Files.readAllBytes(server.root.resolve("app.js" + SUFFIXES.get(coding)));
    }

    @ParameterizedTest(name = "[{index}] Accept-Encoding: {0}")
    @CsvSource(delimiter = '|', value = {
        "gzip                          | gzip",
        "br                            | br",
        "zstd                          | zstd",
        "gzip, deflate, br, zstd       | br",
        "gzip;q=1.0, br;q=0.5          | gzip",
        "zstd;q=0.9, gzip;q=0.9, br;q=0.1 | zstd",
        "br;q=0, *                     | zstd",
        "x-gzip                        | gzip",
    })
    void servesTheCopyInTheCodingTheClientWeighsHighest(String acceptEncoding, String coding) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/app.js", "Accept-Encoding: " + acceptEncoding);
            assertEquals(200, response.status());
            assertEquals(coding, response.header("Content-Encoding"));
            assertEquals("text/javascript; charset=utf-8", response.header("Content-Type"));
            assertEquals("Accept-Encoding", response.header("Vary"));
            byte[] copy = copy(coding);
            assertEquals(String.valueOf(copy.length), response.header("Content-Length"));
            assertArrayEquals(copy, response.body());
            assertTrue(response.header("ETag").endsWith("-" + coding + "\""), response.header("ETag"));
        });
    }

    @ParameterizedTest(name = "[{index}] Accept-Encoding: {0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL", "identity", "deflate", "gzip;q=0, br;q=0, zstd;q=0", "*;q=0, identity",
    })
    void servesTheFileItselfToAClientThatAcceptsNoStoredCoding(String acceptEncoding) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = acceptEncoding == null ? server.get("/app.js")
                    : server.get("/app.js", "Accept-Encoding: " + acceptEncoding);
            assertEquals(200, response.status());
            assertNull(response.header("Content-Encoding"));
            assertEquals("Accept-Encoding", response.header("Vary"));
            assertEquals(SCRIPT, response.text());
        });
    }

    @Test
    void curlDecodesEachCopyToTheFile() {
        assertTimeoutPreemptively(TIMEOUT.multipliedBy(2), () -> {
            for (String coding : List.of("gzip", "br", "zstd")) {
                Path head = Files.createTempFile("wisp-head-", ".txt");
                try {
                    PeerTools.Result result = PeerTools.run(Duration.ofSeconds(10), List.of(
                            PeerTools.require("curl").toString(), "-sS", "--compressed", "-D", head.toString(),
                            "-H", "Accept-Encoding: " + coding, server.url("/app.js")));
                    assertEquals(0, result.exitCode(), result.stderr());
                    assertEquals(SCRIPT, result.stdout(), coding);
                    assertTrue(Files.readString(head).toLowerCase().contains("content-encoding: " + coding + "\r\n"),
                            coding);
                } finally {
                    Files.delete(head);
                }
            }
        });
    }

    @Test
    void passesOverACopyOlderThanItsFile() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            FileTime modified = Files.getLastModifiedTime(server.root.resolve("app.js"));
            Files.setLastModifiedTime(server.root.resolve("app.js.br"),
                    FileTime.from(modified.toInstant().minusSeconds(60)));
            Response response = server.get("/app.js", "Accept-Encoding: br, gzip");
            assertEquals("gzip", response.header("Content-Encoding"), "the stale br copy is passed over");
            Files.setLastModifiedTime(server.root.resolve("app.js"), FileTime.from(Instant.now().plusSeconds(5)));
            Response changed = server.get("/app.js", "Accept-Encoding: br, gzip, zstd");
            assertNull(changed.header("Content-Encoding"), "every copy is older than the changed file");
            assertEquals(SCRIPT, changed.text());
        });
    }

    @Test
    void passesOverACopyThatLeadsOutsideTheRootOrToAHiddenFile() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path outside = server.root.resolveSibling("outside").resolve("other.js.gz");
            Files.write(outside, "outside".getBytes(StandardCharsets.US_ASCII));
            Files.writeString(server.root.resolve("linked.js"), SCRIPT);
            Files.createSymbolicLink(server.root.resolve("linked.js.gz"), outside);
            Files.write(server.root.resolve(".cache.br"), copy("br"));
            Files.createSymbolicLink(server.root.resolve("linked.js.br"), server.root.resolve(".cache.br"));

            Response response = server.get("/linked.js", "Accept-Encoding: gzip, br");
            assertNull(response.header("Content-Encoding"));
            assertEquals(SCRIPT, response.text());
        });
    }

    @Test
    void conditionalRequestsAndRangesApplyToTheCopy() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response identity = server.get("/app.js");
            Response coded = server.get("/app.js", "Accept-Encoding: gzip");
            assertNotEquals(identity.header("ETag"), coded.header("ETag"));

            Response notModified = server.get("/app.js", "Accept-Encoding: gzip",
                    "If-None-Match: " + coded.header("ETag"));
            assertEquals(304, notModified.status());
            assertEquals(coded.header("ETag"), notModified.header("ETag"));
            assertEquals("Accept-Encoding", notModified.header("Vary"));
            assertEquals(200, server.get("/app.js", "If-None-Match: " + coded.header("ETag")).status(),
                    "the copy's tag does not match the file's identity bytes");

            byte[] gzip = copy("gzip");
            Response part = server.get("/app.js", "Accept-Encoding: gzip", "Range: bytes=0-9");
            assertEquals(206, part.status());
            assertEquals("gzip", part.header("Content-Encoding"));
            assertEquals("bytes 0-9/" + gzip.length, part.header("Content-Range"));
            assertArrayEquals(Arrays.copyOf(gzip, 10), part.body());

            Response head = server.request("HEAD", "/app.js", "Accept-Encoding: br");
            assertEquals(200, head.status());
            assertEquals("br", head.header("Content-Encoding"));
            assertEquals(String.valueOf(copy("br").length), head.header("Content-Length"));
            assertEquals(0, head.body().length);
        });
    }

    @Test
    void anIndexFileIsServedFromItsCopyToo() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/site/", "Accept-Encoding: gzip");
            assertEquals("gzip", response.header("Content-Encoding"));
            assertEquals("text/html; charset=utf-8", response.header("Content-Type"));
            assertArrayEquals(Files.readAllBytes(server.root.resolve("site/index.html.gz")), response.body());
        });
    }

    @Test
    void aFileStoredCodedIsServedAsItIs() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            byte[] svgz = copy("gzip");
            Files.write(server.root.resolve("drawing.svgz"), svgz);
            Files.write(server.root.resolve("drawing.svgz.br"), copy("br"));
            Response response = server.get("/drawing.svgz", "Accept-Encoding: br, gzip");
            assertEquals("gzip", response.header("Content-Encoding"));
            assertEquals("image/svg+xml", response.header("Content-Type"));
            assertArrayEquals(svgz, response.body());
            assertNull(response.header("Vary"));
        });
    }

    @Test
    void copiesAreNotServedUnlessAsked() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/plain/app.js", "Accept-Encoding: gzip, br, zstd");
            assertNull(response.header("Content-Encoding"));
            assertEquals(SCRIPT, response.text());
            Response binary = server.get("/plain/data.bin", "Accept-Encoding: gzip");
            assertNull(binary.header("Vary"), "no Vary where nothing varies");
            Response precompressedBinary = server.get("/data.bin");
            assertEquals("Accept-Encoding", precompressedBinary.header("Vary"),
                    "any file may have a copy where copies are served");
        });
    }

    @Test
    void theBuilderTakesTheThreeCodingsOnly() {
        Path root = server.root;
        assertThrows(IllegalArgumentException.class, () -> FileHandler.builder(root).precompressed("deflate"));
        assertThrows(IllegalArgumentException.class, () -> FileHandler.builder(root).precompressed("gzip", "gzip"));
        assertThrows(IllegalArgumentException.class, () -> FileHandler.builder(root).precompressed("GZIP"));
        FileHandler handler = FileHandler.builder(root).precompressed("gzip", "br").build();
        assertEquals(List.of("gzip", "br"), handler.precompressedCodings());
        assertEquals(List.of("gzip", "br"), handler.toBuilder().build().precompressedCodings());
        assertEquals(List.of(), FileHandler.of(root).precompressedCodings());
    }
}
