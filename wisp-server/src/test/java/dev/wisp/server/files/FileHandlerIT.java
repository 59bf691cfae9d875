package dev.wisp.server.files;

import static dev.wisp.server.files.FileServerFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.HttpDate;
import dev.wisp.server.Router;
import dev.wisp.server.files.FileServerFixture.Response;
import java.nio.file.Files;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Serving files: content, metadata, HEAD, and confinement to the root against crafted paths and links. */
class FileHandlerIT {
    @RegisterExtension
    final FileServerFixture server = new FileServerFixture();

    @Test
    void servesFileWithTypeLengthAndValidators() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/hello.txt");
            assertEquals(200, response.status());
            assertEquals("hello world\n", response.text());
            assertEquals("text/plain; charset=utf-8", response.header("Content-Type"));
            assertEquals("12", response.header("Content-Length"));
            assertEquals("bytes", response.header("Accept-Ranges"));
            assertTrue(response.header("ETag").matches("\"c-[0-9a-f]+\""), response.header("ETag"));
            assertEquals(HttpDate.format(Files.getLastModifiedTime(server.root.resolve("hello.txt")).toInstant()
                    .truncatedTo(ChronoUnit.SECONDS)), response.header("Last-Modified"));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"/hello.txt/", "/inner-link/", "/site/index.html/", "/hello.txt/?x=1"})
    void fileAtAPathWithATrailingSlashIsNotFound(String target) {
        assertTimeoutPreemptively(TIMEOUT, () -> assertEquals(404, server.get(target).status()));
    }

    @Test
    void headSendsTheSameHeadWithoutBody() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response get = server.get("/data.bin");
            Response head = server.request("HEAD", "/data.bin");
            assertEquals(200, head.status());
            assertEquals(0, head.body().length);
            assertEquals("100", head.header("Content-Length"));
            assertEquals(get.header("ETag"), head.header("ETag"));
            assertEquals("application/octet-stream", head.header("Content-Type"));
        });
    }

    @Test
    void servesBinaryAndEmptyFiles() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertArrayEquals(FileServerFixture.DATA, server.get("/data.bin").body());
            Response empty = server.get("/empty.txt");
            assertEquals(200, empty.status());
            assertEquals("0", empty.header("Content-Length"));
        });
    }

    @Test
    void streamsLargeFileWhole() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            byte[] large = new byte[3 * 1024 * 1024 + 7];
            for (int i = 0; i < large.length; i++) {
                large[i] = (byte) (i * 31);
            }
            Files.write(server.root.resolve("large.bin"), large);
            Response response = server.get("/large.bin");
            assertEquals(Integer.toString(large.length), response.header("Content-Length"));
            assertArrayEquals(large, response.body());
        });
    }

    @Test
    void missingFileIsNotFound() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals(404, server.get("/nothing.txt").status());
            assertEquals(404, server.get("/hello.txt/more").status());
        });
    }

    @Test
    void followsLinkThatStaysInsideRoot() {
        assertTimeoutPreemptively(TIMEOUT, () -> assertEquals("hello world\n", server.get("/inner-link").text()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/outer-link", "/outer-dir/secret.txt", "/outer-dir/", "/outer-dir"})
    void linkLeadingOutOfRootIsNotFound(String target) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get(target);
            assertEquals(404, response.status());
            assertFalse(response.text().contains("secret"), response.text());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"/../outside/secret.txt", "/docs/../../outside/secret.txt", "/%2e%2e/outside/secret.txt",
        "/docs/%2E%2E/%2e%2e/outside/secret.txt"})
    void dotSegmentsAboveRootAreBadRequests(String target) {
        assertTimeoutPreemptively(TIMEOUT, () -> assertEquals(400, server.get(target).status()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..%2foutside%2fsecret.txt", "/docs%2f..%2f..%2foutside%2fsecret.txt",
        "/..%5coutside%5csecret.txt", "/hello.txt%00.png", "/%2fetc%2fpasswd", "/docs/%2e%2e%2f%2e%2e%2fhello.txt"})
    void encodedSeparatorsAndNulAreNotFound(String target) {
        assertTimeoutPreemptively(TIMEOUT, () -> assertEquals(404, server.get(target).status()));
    }

    @Test
    void dotSegmentsInsideRootResolve() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals("hello world\n", server.get("/docs/../hello.txt").text());
            assertEquals("hello world\n", server.get("/docs/%2e%2e/./hello.txt").text());
        });
    }

    @Test
    void otherMethodsAreNotAllowed() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.request("POST", "/hello.txt", "Content-Length: 0");
            assertEquals(405, response.status());
            assertEquals("GET, HEAD, OPTIONS", response.header("Allow"));
        });
    }

    @Test
    void answersOtherMethodsItselfWhenMountedForAll() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (var all = FileServerFixture.started(
                    root -> Router.builder().any("/*", FileHandler.of(root)).build())) {
                Response response = all.request("DELETE", "/hello.txt");
                assertEquals(405, response.status());
                assertEquals("GET, HEAD", response.header("Allow"));
                assertTrue(Files.exists(all.root.resolve("hello.txt")));
            }
        });
    }

    @Test
    void resolvesAfterTheRoutePrefix() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (var prefixed = FileServerFixture.started(
                    root -> Router.builder().get("/static/*", FileHandler.of(root)).build())) {
                assertEquals("hello world\n", prefixed.get("/static/hello.txt").text());
                assertEquals("# notes\n", prefixed.get("/static/docs/notes.md").text());
                assertEquals("text/plain; charset=utf-8", prefixed.get("/static/docs/notes.md")
                        .header("Content-Type"));
                assertEquals(404, prefixed.get("/hello.txt").status());
                assertEquals("./static/", prefixed.get("/static").header("Location"));
            }
        });
    }

    @Test
    void rejectsRootThatIsNotDirectory() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FileHandler.of(server.root.resolve("hello.txt")));
        assertTrue(e.getMessage().startsWith("root is not a directory: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FileHandler.builder(server.root).indexFile("../x"));
    }

    @Test
    void builderKeepsConfiguration() {
        FileHandler handler = FileHandler.builder(server.root).indexFile(null).directoryListing(false).build();
        FileHandler copy = handler.toBuilder().build();
        assertEquals(server.root, copy.root());
        assertTrue(copy.indexFile().isEmpty());
        assertFalse(copy.hasDirectoryListing());
        assertEquals("index.html", FileHandler.of(server.root).indexFile().orElseThrow());
    }
}
