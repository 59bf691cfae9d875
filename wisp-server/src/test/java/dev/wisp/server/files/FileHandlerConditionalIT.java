package dev.wisp.server.files;

import static dev.wisp.server.files.FileServerFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.server.files.FileServerFixture.Response;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Conditional GET and HEAD over the wire; the matching rules themselves are in {@link ValidatorsTest}. */
class FileHandlerConditionalIT {
    @RegisterExtension
    final FileServerFixture server = new FileServerFixture();
    private Response current;

    @BeforeEach
    void fetchCurrent() throws IOException {
        current = server.get("/hello.txt");
    }

    @Test
    void matchingEtagIsNotModifiedWithEtagAndNoBody() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/hello.txt", "If-None-Match: \"x\", " + current.header("ETag"));
            assertEquals(304, response.status());
            assertEquals(current.header("ETag"), response.header("ETag"));
            assertEquals(0, response.body().length);
            assertNull(response.header("Content-Length"));
            assertNull(response.header("Last-Modified"));
        });
    }

    @Test
    void headWithMatchingEtagIsNotModified() {
        assertTimeoutPreemptively(TIMEOUT, () -> assertEquals(304,
                server.request("HEAD", "/hello.txt", "If-None-Match: W/" + current.header("ETag")).status()));
    }

    @Test
    void modifiedSinceLastModifiedIsNotModified() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals(304, server.get("/hello.txt", "If-Modified-Since: " + current.header("Last-Modified"))
                    .status());
            assertEquals(200, server.get("/hello.txt", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT").status());
        });
    }

    @Test
    void failedIfMatchIsPreconditionFailed() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals(412, server.get("/hello.txt", "If-Match: \"other\"").status());
            assertEquals(200, server.get("/hello.txt", "If-Match: " + current.header("ETag")).status());
        });
    }

    @Test
    void changedFileGetsNewEtag() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.writeString(server.root.resolve("hello.txt"), "hello again\n!");
            Response response = server.get("/hello.txt", "If-None-Match: " + current.header("ETag"));
            assertEquals(200, response.status());
            assertEquals("hello again\n!", response.text());
        });
    }
}
