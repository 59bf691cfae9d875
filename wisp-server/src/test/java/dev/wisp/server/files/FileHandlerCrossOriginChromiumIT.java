package dev.wisp.server.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.core.HeaderNames;
import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import dev.wisp.testing.HeadlessChromium;
import dev.wisp.testing.PeerTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A writable folder's upload form, posted by headless Chromium: from a page of the server itself the files are
 * stored; from another site's page (a forged request, which the browser sends with whatever login it holds for the
 * server), and from another port of the same host, they are refused with 403 and nothing is stored. The page's script
 * puts a file in the form's input (from a DataTransfer) and submits it, as a user's click would; the same for a file's
 * delete button.
 */
// A browser that mostly starts and loads: it runs beside the other classes, on servers of its own.
@Execution(ExecutionMode.CONCURRENT)
class FileHandlerCrossOriginChromiumIT {
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path directory;
    @TempDir
    Path root;

    @Test
    void storesTheFormsOfItsOwnPagesAndRefusesOtherOrigins() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.require("chromium");
            Files.createDirectory(root.resolve("docs"));
            BlockingQueue<String> posts = new ArrayBlockingQueue<>(8);
            Router files = Router.builder()
                    .get("/page.html", (request, response) -> page(response, "/docs/", "own.txt"))
                    .get("/delete.html", (request, response) -> deletePage(response, "/docs/", "own.txt"))
                    .any("/*", FileHandler.builder(root).writable(true).build())
                    .build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), HttpService.builder(files)
                    .filter((request, response, next) -> {
                        next.handle(request, response);
                        if (request.method().name().equals("POST")) {
                            posts.add(describe(request, response));
                        }
                    }).build()).start()) {
                String target = "http://127.0.0.1:" + server.port() + "/docs/";
                Router elsewhere = Router.builder()
                        .get("/same-site.html", (request, response) -> page(response, target, "same-site.txt"))
                        .get("/cross-site.html", (request, response) -> page(response, target, "cross-site.txt"))
                        .get("/delete.html", (request, response) -> deletePage(response, target, "own.txt"))
                        .build();
                try (Server other = Server.create(ServerConfig.builder().port(0).build(), elsewhere).start()) {
                    assertEquals("POST 303 same-origin",
                            submit(posts, "http://127.0.0.1:" + server.port() + "/page.html"));
                    assertEquals("planted by own.txt\n", Files.readString(root.resolve("docs/own.txt")));

                    assertEquals("POST 403 same-site",
                            submit(posts, "http://127.0.0.1:" + other.port() + "/same-site.html"));
                    assertEquals("POST 403 cross-site",
                            submit(posts, "http://localhost:" + other.port() + "/cross-site.html"));
                    assertFalse(Files.exists(root.resolve("docs/same-site.txt")));
                    assertFalse(Files.exists(root.resolve("docs/cross-site.txt")));

                    assertEquals("POST 403 cross-site",
                            submit(posts, "http://localhost:" + other.port() + "/delete.html"));
                    assertEquals("planted by own.txt\n", Files.readString(root.resolve("docs/own.txt")));
                    assertEquals("POST 303 same-origin",
                            submit(posts, "http://127.0.0.1:" + server.port() + "/delete.html"));
                    assertFalse(Files.exists(root.resolve("docs/own.txt")), "the listing's delete button");
                }
            }
        });
    }

    @Test
    void aWritableFoldersListingIsNotFramedAndAReadOnlyOneIs() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.require("chromium");
            Files.createDirectory(root.resolve("docs"));
            BlockingQueue<String> reports = new ArrayBlockingQueue<>(4);
            Router files = Router.builder()
                    .get("/frame.html", (request, response) -> response
                            .header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8").send(FRAMING_PAGE))
                    .get("/report", (request, response) -> {
                        reports.add(request.queryParameter("framed").orElse("?"));
                        response.send("thanks\n");
                    })
                    .get("/ro/*", FileHandler.of(root))
                    .any("/*", FileHandler.builder(root).writable(true).build())
                    .build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), files).start()) {
                String base = "http://127.0.0.1:" + server.port() + "/frame.html?src=";
                assertEquals("Index of /ro/docs/", visit(reports, base + "/ro/docs/"), "a listing without buttons");
                assertEquals("blocked", visit(reports, base + "/docs/"),
                        "frame-ancestors 'none', even for the server's own page");
            }
        });
    }

    /** A page of the server that frames the path in its query and reports the framed page's title, or "blocked". */
    private static final String FRAMING_PAGE = """
            <!doctype html>
            <meta charset="utf-8">
            <iframe id="f"></iframe>
            <script>
              const frame = document.getElementById("f");
              frame.onload = () => {
                let framed;
                try {
                  framed = frame.contentDocument.title || "blocked";
                } catch (e) {
                  framed = "blocked";
                }
                fetch("/report?framed=" + encodeURIComponent(framed));
              };
              frame.src = new URLSearchParams(location.search).get("src");
            </script>
            """;

    /** Opens the page in a browser of its own and returns the first report it sends. */
    private String visit(BlockingQueue<String> reports, String page) throws IOException, InterruptedException {
        try (HeadlessChromium browser = HeadlessChromium.open(Files.createTempDirectory(directory, "run-"), page)) {
            String report = reports.poll(30, TimeUnit.SECONDS);
            assertNotNull(report, () -> "no report from " + page + "; chromium said: " + browser.log());
            return report;
        }
    }

    /** Opens the page in a browser of its own and waits for the form's POST to be answered. */
    private String submit(BlockingQueue<String> posts, String page) throws IOException, InterruptedException {
        try (HeadlessChromium browser = HeadlessChromium.open(Files.createTempDirectory(directory, "run-"), page)) {
            String post = posts.poll(30, TimeUnit.SECONDS);
            assertNotNull(post, () -> "no POST from " + page + "; chromium said: " + browser.log());
            return post;
        }
    }

    private static String describe(ServerRequest request, ServerResponse response) {
        return request.method() + " " + response.status().code() + " "
                + request.headers().first("Sec-Fetch-Site").orElse("(none)");
    }

    /** A page whose script submits a delete button's form (as the listing has beside each file) to the target. */
    private static void deletePage(ServerResponse response, String target, String name) throws IOException {
        response.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8").send("""
                <!doctype html>
                <meta charset="utf-8">
                <form id="f" method="post" action="%s" enctype="multipart/form-data">
                  <input type="hidden" name="delete" value="%s"><button>Delete</button>
                </form>
                <script>document.getElementById("f").submit();</script>
                """.formatted(target, name));
    }

    /** A page whose script submits the upload form to the target with one file, named after the page. */
    private static void page(ServerResponse response, String target, String name) throws IOException {
        response.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8").send("""
                <!doctype html>
                <meta charset="utf-8">
                <form id="f" method="post" action="%s" enctype="multipart/form-data">
                  <input type="file" name="file">
                </form>
                <script>
                  const transfer = new DataTransfer();
                  transfer.items.add(new File(["planted by %s\\n"], "%s", {type: "text/plain"}));
                  document.querySelector("input").files = transfer.files;
                  document.getElementById("f").submit();
                </script>
                """.formatted(target, name, name));
    }
}
