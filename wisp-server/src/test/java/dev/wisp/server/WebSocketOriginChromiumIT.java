package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.core.HeaderNames;
import dev.wisp.testing.HeadlessChromium;
import dev.wisp.testing.PeerTools;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A browser opens a WebSocket to any origin, with the cookies and credentials it holds for that server, and leaves
 * the origin check to the server: headless Chromium's pages, on the server's own origin, on another port of its host
 * and on another site, open a WebSocket route with the default configuration (only the server's own pages) and one
 * that allows another origin. Each page reports what it saw to the server it came from.
 */
// A browser that mostly starts and loads: it runs beside the other classes, on servers of its own.
@Execution(ExecutionMode.CONCURRENT)
class WebSocketOriginChromiumIT {
    private static final Duration LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path directory;

    @Test
    void aRouteTakesItsOwnPagesAndTheOriginsItAllows() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.require("chromium");
            BlockingQueue<String> reports = new ArrayBlockingQueue<>(8);
            try (Server pages = Server.create(ServerConfig.builder().port(0).build(),
                    withPages(Router.builder(), reports).build()).start()) {
                WebSocketConfig allowsPages = WebSocketConfig.builder()
                        .allowedOrigins(List.of("http://localhost:" + pages.port())).build();
                Router sockets = withPages(Router.builder(), reports)
                        .webSocket("/default", WebSocketConfig.defaults(), request -> WebSocketListener.echo())
                        .webSocket("/allowing", allowsPages, request -> WebSocketListener.echo())
                        .build();
                try (Server server = Server.create(ServerConfig.builder().port(0).build(), sockets).start()) {
                    String ownOrigin = "http://127.0.0.1:" + server.port();
                    assertEquals("open", visit(reports, ownOrigin, server.port(), "/default"));
                    assertEquals("refused", visit(reports, "http://127.0.0.1:" + pages.port(), server.port(),
                            "/default"), "another port of the host");
                    assertEquals("refused", visit(reports, "http://localhost:" + pages.port(), server.port(),
                            "/default"), "another site");
                    assertEquals("open", visit(reports, "http://localhost:" + pages.port(), server.port(),
                            "/allowing"));
                    assertEquals("refused", visit(reports, "http://127.0.0.1:" + pages.port(), server.port(),
                            "/allowing"), "only the origin the route allows");
                }
            }
        });
    }

    /** Loads the page from an origin; its script opens ws://127.0.0.1:port/path and reports "open" or "refused". */
    private String visit(BlockingQueue<String> reports, String origin, int port, String path)
            throws IOException, InterruptedException {
        String page = origin + "/page.html?socket=" + port + "&path=" + path;
        try (HeadlessChromium browser = HeadlessChromium.open(Files.createTempDirectory(directory, "run-"), page)) {
            String report = reports.poll(45, TimeUnit.SECONDS);
            assertNotNull(report, () -> "no report from " + page + "; chromium said: " + browser.log());
            return report;
        }
    }

    /** The page and the route of its report. */
    private static Router.Builder withPages(Router.Builder routes, BlockingQueue<String> reports) {
        return routes
                .get("/page.html", (request, response) -> response
                        .header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8").send(PAGE))
                .get("/report", (request, response) -> {
                    reports.add(request.queryParameter("result").orElse("?"));
                    response.send("thanks\n");
                });
    }

    private static final String PAGE = """
            <!doctype html>
            <meta charset="utf-8">
            <script>
              const query = new URLSearchParams(location.search);
              const socket = new WebSocket("ws://127.0.0.1:" + query.get("socket") + query.get("path"));
              let reported = false;
              const report = result => {
                if (!reported) {
                  reported = true;
                  fetch("/report?result=" + result);
                }
              };
              socket.onopen = () => { report("open"); socket.close(); };
              socket.onerror = () => report("refused");
            </script>
            """;
}
