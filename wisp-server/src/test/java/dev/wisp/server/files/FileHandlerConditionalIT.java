package dev.wisp.server.files;

import static dev.wisp.server.files.FileServerFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.core.HttpDate;
import dev.wisp.server.files.FileServerFixture.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
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
    void ifModifiedSinceLaterThanTheServersClockIsIgnored() {
        // A client whose clock runs ahead, or that made the date up, must not be told a file changed a minute ago is
        // not modified; an If-None-Match beside it still decides (RFC 9110 §13.2.2).
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String tomorrow = HttpDate.format(Instant.now().plus(Duration.ofDays(1)));
            Response response = server.get("/hello.txt", "If-Modified-Since: " + tomorrow);
            assertEquals(200, response.status());
            assertEquals("hello world\n", new String(response.body(), StandardCharsets.UTF_8));
            assertEquals(304, server.get("/hello.txt", "If-Modified-Since: " + tomorrow,
                    "If-None-Match: " + current.header("ETag")).status());
            assertEquals(200, server.get("/hello.txt", "If-Modified-Since: " + current.header("Last-Modified"),
                    "If-None-Match: \"other\"").status());
        });
    }

    @Test
    void aModificationTimeInTheFutureIsSentAsTheTimeOfTheResponse() {
        // RFC 9110 §8.8.2.1: Last-Modified is never later than Date; a future one held as If-Modified-Since
        // would make every later change (at a time before it) a 304.
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.setLastModifiedTime(server.root.resolve("hello.txt"),
                    FileTime.from(Instant.now().plus(Duration.ofDays(400))));
            Response response = server.get("/hello.txt");
            Instant date = HttpDate.parse(response.header("Date")).orElseThrow();
            Instant lastModified = HttpDate.parse(response.header("Last-Modified")).orElseThrow();
            assertFalse(lastModified.isAfter(date), lastModified + " is after " + date);
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
