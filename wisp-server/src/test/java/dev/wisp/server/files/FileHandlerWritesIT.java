package dev.wisp.server.files;

import static dev.wisp.server.files.FileServerFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.files.FileServerFixture.Response;
import dev.wisp.testing.LogCapture;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.SmallDisk;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * PUT and DELETE on a writable {@link FileHandler}: curl's uploads, the preconditions, confinement, a rename that
 * two uploads at once cannot tear, the size limit, and a disk that fills up and frees again.
 */
class FileHandlerWritesIT {
    @RegisterExtension
    final FileServerFixture server = new FileServerFixture(root -> Router.builder()
            .any("/ro/*", FileHandler.of(root))
            .any("/dot/*", FileHandler.builder(root).writable(true).hiddenFiles(true).build())
            .any("/*", FileHandler.builder(root).writable(true).build())
            .build());

    @TempDir
    Path scratch;

    private Response put(String target, String content, String... headerLines) throws Exception {
        StringBuilder request = new StringBuilder("PUT ").append(target).append(" HTTP/1.1\r\nHost: x\r\n")
                .append("Connection: close\r\nContent-Length: ")
                .append(content.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return server.send(request.append("\r\n").toString() + new String(content.getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1));
    }

    @Test
    void curlUploadsANewFileThenReplacesItAndTheEtagsDescribeWhatIsServed() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path upload = Files.write(scratch.resolve("notes.bin"), randomBytes(300_000));
            String curl = PeerTools.require("curl").toString();
            PeerTools.Result created = PeerTools.run(Duration.ofSeconds(10), List.of(curl, "-sS", "-T",
                    upload.toString(), "-w", "%{http_code}", "-D", "-", "-o", "/dev/null",
                    server.url("/docs/notes.bin")));
            assertEquals(0, created.exitCode(), created.stderr());
            assertTrue(created.stdout().contains("HTTP/1.1 201 "), created.stdout());
            assertTrue(created.stdout().endsWith("201"), created.stdout());
            Response served = server.get("/docs/notes.bin");
            assertArrayEquals(Files.readAllBytes(upload), served.body());
            assertTrue(created.stdout().contains("ETag: " + served.header("ETag") + "\r\n"), created.stdout());

            Response replaced = put("/docs/notes.bin", "shorter now\n");
            assertEquals(204, replaced.status());
            Response again = server.get("/docs/notes.bin");
            assertEquals("shorter now\n", again.text());
            assertEquals(again.header("ETag"), replaced.header("ETag"));
            assertNoTemporaryFiles();
        });
    }

    @Test
    void theListingsFormStoresTheFilesABrowserPostsAndGoesBackToTheListing() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String page = server.get("/docs/").text();
            assertTrue(page.contains("<form method=\"post\" enctype=\"multipart/form-data\">"), page);
            assertFalse(server.get("/ro/docs/").text().contains("<form"), "no form where nothing is writable");

            Path first = Files.writeString(scratch.resolve("first.txt"), "first\n");
            Path second = Files.write(scratch.resolve("second.bin"), randomBytes(200_000));
            String curl = PeerTools.require("curl").toString();
            PeerTools.Result posted = PeerTools.run(Duration.ofSeconds(10), List.of(curl, "-sS", "-D", "-",
                    "-o", "/dev/null", "-F", "note=a field, ignored", "-F", "file=@" + first,
                    "-F", "file=@" + second + ";filename=C:\\Users\\me\\second.bin", server.url("/docs/")));
            assertEquals(0, posted.exitCode(), posted.stderr());
            assertTrue(posted.stdout().contains("HTTP/1.1 303 See Other\r\n"), posted.stdout());
            assertTrue(posted.stdout().contains("Location: ./\r\n"), posted.stdout());
            assertEquals("first\n", Files.readString(server.root.resolve("docs/first.txt")));
            assertArrayEquals(Files.readAllBytes(second), Files.readAllBytes(server.root.resolve("docs/second.bin")),
                    "stored under the last segment of the name the browser sent");
            assertTrue(server.get("/docs/").text().contains("./second.bin"));

            PeerTools.Result hidden = PeerTools.run(Duration.ofSeconds(10), List.of(curl, "-sS", "-o", "/dev/null",
                    "-w", "%{http_code}", "-F", "file=@" + first + ";filename=.env", server.url("/docs/")));
            assertEquals("400", hidden.stdout());
            assertFalse(Files.exists(server.root.resolve("docs/.env")));
            assertEquals(405, server.request("POST", "/docs/notes.md").status(), "a form goes to a folder");
            assertNoTemporaryFiles();
        });
    }

    @Test
    void theListingsDeleteButtonsPostTheFilesNameToItsFolder() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response listing = server.get("/docs/");
            assertEquals("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'",
                    listing.header("Content-Security-Policy"));
            assertEquals("DENY", listing.header("X-Frame-Options"));
            assertEquals(null, server.get("/ro/docs/").header("X-Frame-Options"), "a page without buttons");
            String page = listing.text();
            assertTrue(page.contains("<input type=\"hidden\" name=\"delete\" value=\"notes.md\">"), page);
            assertTrue(page.contains("<input type=\"hidden\" name=\"delete\" value=\"&lt;script&gt;.txt\">"), page);
            assertFalse(page.contains("value=\"sub\""), "no button for a folder");
            assertFalse(server.get("/ro/docs/").text().contains("name=\"delete\""), "none where nothing is writable");

            assertEquals("303 1 file stored, 1 deleted", postForm("/docs/", "delete=notes.md", "file=@"
                    + Files.writeString(scratch.resolve("new.txt"), "new\n")));
            assertFalse(Files.exists(server.root.resolve("docs/notes.md")));
            assertEquals("new\n", Files.readString(server.root.resolve("docs/new.txt")));
            assertEquals("303 0 files stored, 1 deleted", postForm("/docs/", "delete=<script>.txt"));
            assertFalse(Files.exists(server.root.resolve("docs/<script>.txt")));
            assertEquals("303 0 files stored", postForm("/docs/", "delete=notes.md"), "gone already: a second click");

            assertEquals("409", postForm("/docs/", "delete=sub").substring(0, 3), "a folder");
            assertTrue(Files.isDirectory(server.root.resolve("docs/sub")));
            assertEquals("400", postForm("/", "delete=.hidden").substring(0, 3), "a hidden name");
            assertTrue(Files.exists(server.root.resolve(".hidden")));
            assertEquals("400", postForm("/", "delete=a/b").substring(0, 3), "a name, not a path");
            assertEquals("403", postForm("/", "delete=inner-link").substring(0, 3), "a link");
            assertTrue(Files.isSymbolicLink(server.root.resolve("inner-link")));
            assertEquals("400", postForm("/", "delete=" + "x".repeat(1025)).substring(0, 3), "longer than a name");
            assertEquals("403", postForm("/docs/", "delete=new.txt", "-H", "Sec-Fetch-Site: cross-site")
                    .substring(0, 3), "another site's page");
            assertTrue(Files.exists(server.root.resolve("docs/new.txt")));
        });
    }

    /** curl's form POST of each field given ({@code -H} and its field pass as they are): status and first line. */
    private String postForm(String path, String... fields) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "-sS", "-w",
                "%{http_code}", "-o", scratch.resolve("answer").toString()));
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].equals("-H")) {
                command.addAll(List.of(fields[i], fields[++i]));
            } else { // --form-string takes a value as it is, where -F reads a file for one that starts with <
                command.addAll(List.of(fields[i].contains("=@") ? "-F" : "--form-string", fields[i]));
            }
        }
        command.add(server.url(path));
        PeerTools.Result result = PeerTools.run(Duration.ofSeconds(10), command);
        assertEquals(0, result.exitCode(), result.stderr());
        return result.stdout() + " " + Files.readString(scratch.resolve("answer")).lines().findFirst().orElse("");
    }

    @Test
    void deletesAFileButNoFolder() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals(204, server.request("DELETE", "/hello.txt").status());
            assertFalse(Files.exists(server.root.resolve("hello.txt")));
            assertEquals(404, server.get("/hello.txt").status());
            assertEquals(404, server.request("DELETE", "/hello.txt").status());
            assertEquals(409, server.request("DELETE", "/docs").status(), "a folder is not removed");
            assertTrue(Files.isDirectory(server.root.resolve("docs")));
        });
    }

    @Test
    void preconditionsGuardAgainstLostUpdates() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String etag = server.get("/hello.txt").header("ETag");
            assertEquals(412, put("/hello.txt", "x", "If-None-Match: *").status(), "create only, and it exists");
            assertEquals(412, put("/hello.txt", "x", "If-Match: \"other\"").status());
            assertEquals(412, put("/new.txt", "x", "If-Match: *").status(), "no current file to match");
            assertEquals(412, put("/hello.txt", "x", "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT").status());
            assertEquals("hello world\n", server.get("/hello.txt").text(), "nothing written");
            assertEquals(204, put("/hello.txt", "mine\n", "If-Match: " + etag).status());
            assertEquals(412, put("/hello.txt", "theirs\n", "If-Match: " + etag).status(), "the tag moved on");
            assertEquals(201, put("/new.txt", "new\n", "If-None-Match: *").status());
            assertEquals(412, server.request("DELETE", "/new.txt", "If-Match: \"other\"").status());
            assertEquals("new\n", server.get("/new.txt").text());
        });
    }

    @Test
    void refusesWhatItWillNotStore() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals(409, put("/missing/a.txt", "x").status(), "no such folder");
            assertEquals(409, put("/docs", "x").status(), "a folder is there");
            assertEquals(405, put("/docs/", "x").status(), "a folder's path");
            assertEquals(404, put("/.env", "SECRET=1").status(), "a hidden name");
            assertFalse(Files.exists(server.root.resolve(".env")));
            assertEquals(403, put("/outer-link", "x").status(), "a link is not written through");
            assertEquals("secret\n", Files.readString(server.root.resolveSibling("outside/secret.txt")));
            assertEquals(403, put("/inner-link", "x").status(), "nor replaced");
            assertTrue(Files.isSymbolicLink(server.root.resolve("inner-link")));
            assertEquals(400, put("/a.txt", "x", "Content-Range: bytes 0-0/1").status(), "a partial PUT");
            assertEquals(415, put("/a.txt", "x", "Content-Encoding: gzip").status());
            assertEquals(404, put("/a%2Fb.txt", "x").status(), "an encoded slash names no file");
            String e = "%C3%A9"; // two bytes of UTF-8
            Response tooLong = put("/" + e.repeat(127) + "a.txt", "x");
            assertEquals(400, tooLong.status(), "a name of 259 bytes, past the file systems' 255");
            assertEquals("no file can have that name: a file name longer than 255 bytes\n", tooLong.text());
            assertEquals(404, server.request("DELETE", "/" + e.repeat(127) + "a.txt").status());
            assertEquals(201, put("/" + e.repeat(125) + "a.txt", "x").status(), "a name of 255 bytes");
            Path longest = server.root.resolve("\u00e9".repeat(125) + "a.txt");
            assertEquals("x", Files.readString(longest));
            Files.delete(longest);
            Response readOnly = put("/ro/a.txt", "x");
            assertEquals(405, readOnly.status(), "a handler that is not writable");
            assertEquals("GET, HEAD", readOnly.header("Allow"));
            assertEquals("GET, HEAD, PUT, DELETE, POST", server.request("PATCH", "/a.txt").header("Allow"));
            assertFalse(Files.exists(server.root.resolve("a.txt")));
            assertNoTemporaryFiles();
        });
    }

    @Test
    void anUploadsTemporaryFileIsNeverServedNorTouchedEvenWhereHiddenFilesAre() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path inFlight = Files.writeString(server.root.resolve("docs/.wisp-upload-42.part"), "half an upload");
            Files.writeString(server.root.resolve("docs/.note"), "a hidden file, served here\n");
            assertEquals("a hidden file, served here\n", server.get("/dot/docs/.note").text());

            assertEquals(404, server.get("/dot/docs/.wisp-upload-42.part").status());
            assertEquals(404, put("/dot/docs/.wisp-upload-42.part", "overwritten").status());
            assertEquals(404, server.request("DELETE", "/dot/docs/.wisp-upload-42.part").status());
            assertEquals("half an upload", Files.readString(inFlight));
            String page = server.get("/dot/docs/").text();
            assertTrue(page.contains("./.note"), page);
            assertFalse(page.contains("wisp-upload"), page);
            String json = server.get("/dot/docs/", "Accept: application/json").text();
            assertTrue(json.contains("\".note\""), json);
            assertFalse(json.contains("wisp-upload"), json);

            Path upload = Files.writeString(scratch.resolve("form.txt"), "from a form\n");
            String curl = PeerTools.require("curl").toString();
            PeerTools.Result posted = PeerTools.run(Duration.ofSeconds(10), List.of(curl, "-sS", "-o", "/dev/null",
                    "-w", "%{http_code}", "-F", "file=@" + upload + ";filename=.wisp-upload-42.part",
                    server.url("/dot/docs/")));
            assertEquals("400", posted.stdout());
            assertEquals("half an upload", Files.readString(inFlight));
        });
    }

    @Test
    void twoUploadsAtOnceLeaveOneOfThemWhole() {
        assertTimeoutPreemptively(TIMEOUT.multipliedBy(3), () -> {
            byte[] first = randomBytes(2_000_000, 1);
            byte[] second = randomBytes(2_000_000, 2);
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Integer>> puts = new ArrayList<>();
                for (int round = 0; round < 5; round++) {
                    for (byte[] content : List.of(first, second)) {
                        puts.add(threads.submit((Callable<Integer>) () -> putBytes("/big.bin", content)));
                    }
                    for (Future<Integer> status : puts) {
                        int code = status.get();
                        assertTrue(code == 201 || code == 204, "status " + code);
                    }
                    puts.clear();
                    byte[] stored = Files.readAllBytes(server.root.resolve("big.bin"));
                    assertTrue(java.util.Arrays.equals(stored, first) || java.util.Arrays.equals(stored, second),
                            "one upload whole, not a mix");
                }
            }
            assertNoTemporaryFiles();
        });
    }

    @Test
    void uploadsAndDeletesOverHttp2AsOverHttp1() {
        assertTimeoutPreemptively(TIMEOUT.multipliedBy(2), () -> {
            Path folder = Files.createDirectory(scratch.resolve("h2"));
            Server h2c = Server.create(ServerConfig.builder().port(0).http2(true).build(),
                    Router.builder().any("/*", FileHandler.builder(folder).writable(true).build()).build()).start();
            try {
                String base = "http://127.0.0.1:" + h2c.port();
                Path upload = Files.write(scratch.resolve("upload.bin"), randomBytes(1_000_000));
                String curl = PeerTools.require("curl").toString();
                PeerTools.Result put = PeerTools.run(Duration.ofSeconds(10), List.of(curl, "-sS",
                        "--http2-prior-knowledge", "-T", upload.toString(), "-o", "/dev/null", "-w",
                        "%{http_version} %{http_code}", base + "/upload.bin"));
                assertEquals("2 201", put.stdout(), put.stderr());
                assertArrayEquals(Files.readAllBytes(upload), Files.readAllBytes(folder.resolve("upload.bin")));
                PeerTools.Result form = PeerTools.run(Duration.ofSeconds(10), List.of(curl, "-sS",
                        "--http2-prior-knowledge", "-F", "file=@" + upload + ";filename=form.bin", "-o", "/dev/null",
                        "-w", "%{http_version} %{http_code}", base + "/"));
                assertEquals("2 303", form.stdout(), form.stderr());
                assertArrayEquals(Files.readAllBytes(upload), Files.readAllBytes(folder.resolve("form.bin")));
                PeerTools.Result delete = PeerTools.run(Duration.ofSeconds(10), List.of(curl, "-sS",
                        "--http2-prior-knowledge", "-X", "DELETE", "-o", "/dev/null", "-w",
                        "%{http_version} %{http_code}", base + "/upload.bin"));
                assertEquals("2 204", delete.stdout(), delete.stderr());
                assertFalse(Files.exists(folder.resolve("upload.bin")));
            } finally {
                h2c.close();
            }
        });
    }

    @Test
    void aBodyPastTheLimitIs413AndADiskThatFillsUpIs507UntilThereIsRoomAgain() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (SmallDisk disk = SmallDisk.mount(scratch, 256); LogCapture log = LogCapture.of(
                    FileHandler.class.getName())) {
                Server small = Server.create(ServerConfig.builder().port(0).maxRequestBodyBytes(512 * 1024).build(),
                        Router.builder().any("/*", FileHandler.builder(disk.path()).writable(true).build()).build())
                        .start();
                try {
                    assertEquals(413, putBytes(small.port(), "/too-big.bin", randomBytes(600 * 1024)));
                    assertEquals(201, putBytes(small.port(), "/fits.bin", randomBytes(100 * 1024)));
                    Path filler = disk.fill("filler");
                    assertEquals(507, putBytes(small.port(), "/more.bin", randomBytes(100 * 1024)));
                    assertEquals(507, putBytes(small.port(), "/more.bin", randomBytes(100 * 1024)));
                    assertEquals(1, log.records().stream().filter(r -> r.getLevel() == Level.WARNING).count(),
                            "told once");
                    Files.delete(filler);
                    assertEquals(201, putBytes(small.port(), "/more.bin", randomBytes(100 * 1024)));
                    assertTrue(log.records().stream().anyMatch(r -> r.getLevel() == Level.INFO
                            && r.getMessage().contains("again")), "told it recovered");
                    try (Stream<Path> files = Files.list(disk.path())) {
                        assertEquals(List.of("fits.bin", "more.bin"), files.map(p -> p.getFileName().toString())
                                .sorted().toList(), "nothing left behind");
                    }
                } finally {
                    small.close();
                }
            }
        });
    }

    private int putBytes(String target, byte[] content) throws Exception {
        return putBytes(Integer.parseInt(server.url("").replaceAll(".*:", "")), target, content);
    }

    /** PUTs the content on a connection of its own; the status, or 0 if the server closed before answering. */
    private static int putBytes(int port, String target, byte[] content) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write(("PUT " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
                    + content.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            try {
                out.write(content);
                out.flush();
            } catch (java.io.IOException refusedEarly) {
                // A 413 may come, and the connection close, before the whole body is written.
            }
            String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            return answer.length() < 12 ? 0 : Integer.parseInt(answer.substring(9, 12));
        }
    }

    private void assertNoTemporaryFiles() throws Exception {
        try (Stream<Path> files = Files.walk(server.root)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith(".wisp-upload-")).toList());
        }
    }

    private static byte[] randomBytes(int length) {
        return randomBytes(length, length);
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
