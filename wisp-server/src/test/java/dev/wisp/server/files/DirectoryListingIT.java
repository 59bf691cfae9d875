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
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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
            assertTrue(html.contains("<a href=\"./inner-link\">inner-link</a></td>"
                    + "<td class=\"size\" title=\"12 bytes\">12 B</td>"), html);
            assertFalse(html.contains(".hidden"), html);
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
            assertTrue(html.contains("<a href=\"./sub/\">sub/</a></td><td class=\"size\">-</td>"), html);
            assertFalse(html.contains("<script>"), html);
        });
    }

    @Test
    void sortsNamesIgnoringCaseWithDirectoriesFirst() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path dir = Files.createDirectory(server.root.resolve("mixed"));
            for (String name : List.of("b.txt", "A.txt", "c.txt", "B2.txt", "a1.txt")) {
                Files.writeString(dir.resolve(name), name);
            }
            Files.createDirectory(dir.resolve("zeta"));
            Files.createDirectory(dir.resolve("Alpha"));
            String html = server.get("/mixed/").text();
            List<String> order = List.of("./Alpha/", "./zeta/", "./A.txt", "./a1.txt", "./b.txt", "./B2.txt",
                    "./c.txt");
            int previous = -1;
            for (String href : order) {
                int at = html.indexOf("href=\"" + href + "\"");
                assertTrue(at > previous, href + " out of order in " + html);
                previous = at;
            }
        });
    }

    @Test
    void showsSizesInBinaryUnitsWithExactBytesAndTimesInIsoForm() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path big = server.root.resolve("docs").resolve("big.bin");
            Files.write(big, new byte[1536]);
            Files.setLastModifiedTime(big, FileTime.from(Instant.parse("2024-02-29T23:59:58.750Z")));
            String html = server.get("/docs/").text();
            assertTrue(html.contains("<a href=\"./big.bin\">big.bin</a></td><td class=\"size\" title=\"1536 bytes\">"
                    + "1.5 KiB</td><td><time datetime=\"2024-02-29T23:59:58Z\">2024-02-29 23:59:58</time></td>"), html);
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0                   | 0 B",
        "1023                | 1023 B",
        "1024                | 1.0 KiB",
        "10188               | 9.9 KiB",
        "10189               | 10 KiB",
        "1047552             | 1023 KiB",
        "1048575             | 1.0 MiB",
        "5368709120          | 5.0 GiB",
        "9223372036854775807 | 8.0 EiB",
    })
    void humanSizesRoundAsLsDoes(long bytes, String shown) {
        assertEquals(shown, DirectoryListing.humanSize(bytes));
    }

    @Test
    void isOneStyledPageWithoutScript() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/docs/");
            assertEquals("default-src 'none'; style-src 'unsafe-inline'", response.header("Content-Security-Policy"));
            String html = response.text();
            assertTrue(html.contains("<style>"), html);
            assertFalse(html.contains("<script"), html);
            assertFalse(html.contains("<link"), html);
        });
    }

    @Test
    void hidesAndRefusesDotFilesUnlessAskedTo() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path git = Files.createDirectory(server.root.resolve(".git"));
            Files.writeString(git.resolve("config"), "[core]\n");
            assertEquals(404, server.get("/.hidden").status());
            assertEquals(404, server.get("/.git/config").status());
            assertEquals(404, server.get("/.git/").status());
            assertEquals(404, server.get("/%2Ehidden").status());
            try (var shown = FileServerFixture.started(root -> Router.builder()
                    .get("/*", FileHandler.builder(root).hiddenFiles(true).build()).build())) {
                Files.createDirectory(shown.root.resolve(".git"));
                String html = shown.get("/").text();
                assertTrue(html.contains("<a href=\"./.hidden\">.hidden</a>"), html);
                assertTrue(html.contains("<a href=\"./.git/\">.git/</a>"), html);
                assertEquals("hidden\n", shown.get("/.hidden").text());
            }
        });
    }

    @Test
    void treatsALinkToADotFileAsTheDotFile() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path git = Files.createDirectories(server.root.resolve(".secrets"));
            Files.writeString(git.resolve("key"), "secret\n");
            Files.createSymbolicLink(server.root.resolve("visible-env"), Path.of(".hidden"));
            Files.createSymbolicLink(server.root.resolve("secrets"), Path.of(".secrets"));
            try {
                assertEquals(404, server.get("/visible-env").status());
                assertEquals(404, server.get("/secrets/key").status());
                assertEquals(404, server.get("/secrets/").status());
                String html = server.get("/").text();
                assertFalse(html.contains("visible-env"), html);
                assertFalse(html.contains("secrets"), html);
            } finally {
                Files.delete(server.root.resolve("visible-env"));
                Files.delete(server.root.resolve("secrets"));
            }
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
        "/docs/..       | /",
        "/.?x=1         | /?x=1",
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

    @ParameterizedTest
    @ValueSource(strings = {"/docs/.", "/docs/sub/..", "/docs/%2e"})
    void servesADirectoryAtAPathEndingInADotSegment(String target) {
        // RFC 3986 §5.2.4: a last dot segment leaves a trailing slash, so this is /docs/ itself.
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get(target);
            assertEquals(200, response.status());
            assertTrue(response.text().contains("a&amp;b.txt"), response.text());
        });
    }

    @Test
    void refusesAFileAtAPathEndingInADotSegment() {
        assertTimeoutPreemptively(TIMEOUT, () -> assertEquals(404, server.get("/docs/a&b.txt/.").status()));
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
