package dev.wisp.server.files;

import static dev.wisp.server.files.FileServerFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.server.Router;
import dev.wisp.server.files.FileServerFixture.Response;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code FileHandler.Builder.fallbackFile}: a single-page application's page for a browser's navigation to a path
 * with nothing to serve, served as a file is; a 404 for everything else a fallback must not hide.
 */
class FileHandlerFallbackIT {
    private static final String PAGE = "<!doctype html><title>app</title><script src=\"/app.js\"></script>\n";
    private static final String BROWSER_ACCEPT =
            "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

    @RegisterExtension
    final FileServerFixture server = new FileServerFixture(root -> Router.builder()
            .get("/*", FileHandler.builder(root).directoryListing(false).fallbackFile("index.html").build())
            .build());

    @BeforeEach
    void writePage() throws Exception {
        Files.writeString(server.root.resolve("index.html"), PAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/orders/42", "/orders/42/", "/settings?tab=keys", "/docs/sub/", "/%C3%A9t%C3%A9"})
    void servesThePageForANavigationToAPathWithNothingToServe(String target) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get(target, BROWSER_ACCEPT);
            assertEquals(200, response.status());
            assertEquals(PAGE, response.text());
            assertEquals("text/html; charset=utf-8", response.header("Content-Type"));
            assertEquals(server.get("/index.html").header("ETag"), response.header("ETag"));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Accept: */*", "Accept: text/*", "Accept: TEXT/HTML;level=1;q=0.5",
        "Accept: application/json, text/html;q=0.001"})
    void takesAnyAcceptThatAdmitsHtmlOrNone(String accept) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = accept.isEmpty() ? server.get("/orders") : server.get("/orders", accept);
            assertEquals(200, response.status(), accept);
            assertEquals(PAGE, response.text());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"Accept: application/json", "Accept: text/html;q=0, */*;q=0", "Accept: image/*",
        "Accept: text/html;q=x"})
    void aRequestThatTakesNoHtmlGetsTheNotFound(String accept) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/orders", accept);
            assertEquals(404, response.status(), accept);
            assertEquals("not found\n", response.text());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"/app.js", "/assets/logo.png", "/.env", "/docs/missing.md", "/.hidden"})
    void aMissingFileWithAnExtensionStaysNotFound(String target) {
        assertTimeoutPreemptively(TIMEOUT, () -> assertEquals(404, server.get(target, BROWSER_ACCEPT).status()));
    }

    @Test
    void existingFilesAndDirectoriesAreServedAsBefore() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals("hello world\n", server.get("/hello.txt", BROWSER_ACCEPT).text());
            assertEquals(301, server.get("/docs", BROWSER_ACCEPT).status());
            assertEquals(PAGE, server.get("/", BROWSER_ACCEPT).text()); // the root's own index file
        });
    }

    @Test
    void thePageAnswersAsAFileDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String etag = server.get("/orders/42").header("ETag");
            assertEquals(304, server.get("/orders/42", "If-None-Match: " + etag).status());
            Response head = server.request("HEAD", "/orders/42");
            assertEquals(200, head.status());
            assertEquals(0, head.body().length);
            assertEquals(Integer.toString(PAGE.length()), head.header("Content-Length"));
            Response range = server.get("/orders/42", "Range: bytes=0-8");
            assertEquals(206, range.status());
            assertEquals("<!doctype", range.text());
            assertEquals(405, server.request("POST", "/orders/42").status());
        });
    }

    @Test
    void withoutThePageItIsANotFound() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.delete(server.root.resolve("index.html"));
            assertEquals(404, server.get("/orders/42", BROWSER_ACCEPT).status());
        });
    }

    @Test
    void theFileNameIsCheckedAndKept() {
        assertThrows(IllegalArgumentException.class, () -> FileHandler.builder(server.root).fallbackFile("../x"));
        assertThrows(IllegalArgumentException.class, () -> FileHandler.builder(server.root).fallbackFile("a/b"));
        FileHandler handler = FileHandler.builder(server.root).fallbackFile("app.html").build();
        assertEquals("app.html", handler.toBuilder().build().fallbackFile().orElseThrow());
        assertEquals(false, FileHandler.of(server.root).fallbackFile().isPresent());
    }
}
