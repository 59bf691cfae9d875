package dev.wisp.server.files;

import static dev.wisp.server.files.FileServerFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wisp.server.Router;
import dev.wisp.server.files.FileServerFixture.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Directories: trailing-slash redirects, index files and the HTML listing. */
class DirectoryListingIT {
    @RegisterExtension
    final FileServerFixture server = new FileServerFixture();

    @Test
    void listsRootWithDirectoriesFirstAndWithoutParentOrOutsideLinks() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/");
            assertEquals(200, response.status());
            assertEquals("text/html; charset=utf-8", response.header("Content-Type"));
            String html = response.text();
            assertTrue(html.contains("<title>Index of /</title>"), html);
            assertFalse(html.contains("href=\"../\""), html);
            assertFalse(html.contains("outer-"), html);
            assertTrue(html.contains("<a href=\"./inner-link\">inner-link</a></td><td>12</td>"), html);
            assertTrue(html.contains("<a href=\"./.hidden\">.hidden</a>"), html);
            int docs = html.indexOf("./docs/");
            int site = html.indexOf("./site/");
            int data = html.indexOf("./data.bin");
            assertTrue(docs > 0 && docs < site && site < data, html);
        });
    }

    @Test
    void escapesNamesAndEncodesLinks() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String html = server.get("/docs/").text();
            assertTrue(html.contains("<title>Index of /docs/</title>"), html);
            assertTrue(html.contains("<a href=\"../\">../</a>"), html);
            assertTrue(html.contains("<a href=\"./%3Cscript%3E.txt\">&lt;script&gt;.txt</a>"), html);
            assertTrue(html.contains("<a href=\"./a&amp;b.txt\">a&amp;b.txt</a>"), html);
            assertTrue(html.contains("<a href=\"./javascript:x\">javascript:x</a>"), html);
            assertTrue(html.contains("<a href=\"./sub/\">sub/</a></td><td>-</td>"), html);
            assertFalse(html.contains("<script>"), html);
        });
    }

    @Test
    void linksOfListingLeadToTheFiles() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals("x", server.get("/docs/%3Cscript%3E.txt").text());
            assertEquals("ab", server.get("/docs/a&b.txt").text());
            assertEquals("js", server.get("/docs/./javascript:x").text());
        });
    }

    /**
     * A Linux file name is bytes. One that is not UTF-8 (the file-name encoding here) could be requested by no
     * URL, so it is left out rather than listed with a dead link; a UTF-8 name beside it is listed and served.
     */
    @Test
    void leavesOutNamesThatAreNotValidInTheFileNameEncoding() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "file names are decoded as UTF-8");
            Path docs = server.root.resolve("docs");
            // Java cannot name such a file (it encodes every name it is given), so the shell makes it.
            Process touch = new ProcessBuilder("sh", "-c", "touch \"$(printf 'bad\\377name.txt')\"")
                    .directory(docs.toFile()).inheritIO().start();
            assertEquals(0, touch.waitFor());
            Files.writeString(docs.resolve("caf\u00e9.txt"), "coffee");
            try (Stream<Path> entries = Files.list(docs)) {
                assertTrue(entries.anyMatch(entry -> entry.getFileName().toString().startsWith("bad")));
            }
            String html = server.get("/docs/").text();
            assertFalse(html.contains("bad"), html);
            assertTrue(html.contains("<a href=\"./caf%C3%A9.txt\">caf\u00e9.txt</a>"), html);
            assertEquals("coffee", server.get("/docs/caf%C3%A9.txt").text());
            // Nor can a URL reach it: a path that does not decode as UTF-8 is refused before it names a file.
            assertEquals(400, server.get("/docs/bad%FFname.txt").status());
        });
    }

    @Test
    void escapesRequestPathInTitle() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.createDirectory(server.root.resolve("<b>"));
            String html = server.get("/%3Cb%3E/").text();
            assertTrue(html.contains("<title>Index of /&lt;b&gt;/</title>"), html);
        });
    }

    @Test
    void servesIndexFileOfDirectory() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/site/");
            assertEquals(200, response.status());
            assertEquals("<h1>site</h1>\n", response.text());
            assertEquals("text/html; charset=utf-8", response.header("Content-Type"));
            assertTrue(response.headers().contains("ETag"));
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/docs          | ./docs/",
        "/docs/sub      | ./sub/",
        "/site?x=1&y    | ./site/?x=1&y",
        "/docs/.        | /docs/",
        "/docs/sub/..   | /docs/",
        "/%3Cb%3E       | ./%3Cb%3E/",
        "/a:b           | ./a:b/",
    })
    void redirectsDirectoryWithoutTrailingSlash(String target, String location) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.createDirectory(server.root.resolve("<b>"));
            Files.createDirectory(server.root.resolve("a:b"));
            Response response = server.get(target);
            assertEquals(301, response.status());
            assertEquals(location, response.header("Location"));
        });
    }

    @Test
    void directoryWithoutIndexIsNotFoundWhenListingIsOff() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (var unlisted = FileServerFixture.started(root -> Router.builder()
                    .get("/*", FileHandler.builder(root).directoryListing(false).build()).build())) {
                assertEquals(404, unlisted.get("/docs/").status());
                assertEquals(404, unlisted.get("/").status());
                assertEquals(200, unlisted.get("/site/").status());
            }
        });
    }

    @Test
    void listsDirectoryThatHasIndexWhenIndexIsOff() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (var noIndex = FileServerFixture.started(root -> Router.builder()
                    .get("/*", FileHandler.builder(root).indexFile(null).build()).build())) {
                assertTrue(noIndex.get("/site/").text().contains("<a href=\"./index.html\">index.html</a>"));
            }
        });
    }
}
