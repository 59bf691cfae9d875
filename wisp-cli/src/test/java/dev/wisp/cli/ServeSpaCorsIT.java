package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Server;
import dev.wisp.testing.HeadlessChromium;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.ScriptedWebSocketPeer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp serve --spa} and {@code --cors}, as a front-end developer uses them: headless Chromium opens a deep
 * link of a single-page app (the app's page comes back for it, and its script reads the path), and the page calls
 * another {@code wisp serve} across origins, with a method and headers that need a preflight and with cookies, which
 * {@code --cors} lets through and a server without it does not. curl checks what the fallback must leave a 404.
 */
class ServeSpaCorsIT {
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path directory;

    private static final String APP = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>app</title></head>
            <body><pre id="out">running</pre><script>
            (async () => {
              const lines = ['path ' + location.pathname];
              const call = async (name, url, options) => {
                try {
                  const response = await fetch(url, options);
                  const text = await response.text();
                  lines.push(name + ' ' + response.status + ' ' + text.split('\\n')[0]);
                } catch (e) {
                  lines.push(name + ' ' + e.name);
                }
              };
              const put = {method: 'PUT', headers: {'Content-Type': 'application/json', 'X-Trace-Id': '7'},
                           body: '{}'};
              await call('api', API + '/echo', put);
              await call('api-with-cookies', API + '/echo', {credentials: 'include'});
              await call('no-cors', OTHER + '/echo', put);
              document.getElementById('out').textContent = lines.join('\\n');
            })();
            </script></body></html>
            """;

    @Test
    void aDeepLinkGetsTheAppWhoseScriptCallsAnotherOriginAllowedByCors() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.require("chromium");
            Path app = Files.createDirectories(directory.resolve("app"));
            Path api = Files.createDirectories(directory.resolve("api"));
            try (Server appServer = serve(app, "--spa");
                    Server other = serve(api)) {
                String appOrigin = "http://127.0.0.1:" + appServer.port();
                try (Server apiServer = serve(api, "--cors", "http://localhost:1, " + appOrigin)) {
                    Files.writeString(app.resolve("index.html"), APP
                            .replace("API + '", "'http://127.0.0.1:" + apiServer.port())
                            .replace("OTHER + '", "'http://127.0.0.1:" + other.port()));
                    PeerTools.Result result = HeadlessChromium.run(Duration.ofSeconds(75), directory,
                            appOrigin + "/orders/42", "--virtual-time-budget=20000", "--dump-dom");
                    String dom = result.stdout();
                    int start = dom.indexOf("<pre id=\"out\">");
                    assertTrue(start >= 0, () -> "no page in: " + dom + result.stderr());
                    assertEquals("""
                            path /orders/42
                            api 200 PUT /echo HTTP/1.1
                            api-with-cookies 200 GET /echo HTTP/1.1
                            no-cors TypeError""", dom.substring(start + 14, dom.indexOf("</pre>", start)),
                            result.stderr());
                }
            }
        });
    }

    @Test
    void theFallbackLeavesMissingAssetsAndNonPageRequestsNotFound() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path app = Files.createDirectories(directory.resolve("app"));
            Files.writeString(app.resolve("index.html"), "<p>app</p>\n");
            try (Server server = serve(app, "--spa")) {
                String base = "http://127.0.0.1:" + server.port();
                assertEquals("200 <p>app</p>", curl(base + "/orders/42"));
                assertEquals("200 <p>app</p>", curl("-H", "Accept: text/html", base + "/settings/"));
                assertEquals("404 not found", curl(base + "/app.js"));
                assertEquals("404 not found", curl("-H", "Accept: application/json", base + "/orders/42"));
                assertEquals("200 GET /echo HTTP/1.1", curl(base + "/echo"), "routes before the files are kept");
            }
            try (Server server = serve(app)) {
                assertEquals("404 not found", curl("http://127.0.0.1:" + server.port() + "/orders/42"));
            }
        });
    }

    @Test
    void corsAnswersPreflightsForTheListedOriginsAndRefusesAnyOriginWithCookies() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = serve(directory, "--cors", "http://localhost:5173")) {
                String echo = "http://127.0.0.1:" + server.port() + "/echo";
                String allowed = PeerTools.run(LIMIT, List.of("curl", "-s", "-i", "-X", "OPTIONS", "-H",
                        "Origin: http://localhost:5173", "-H", "Access-Control-Request-Method: DELETE", "-H",
                        "Access-Control-Request-Headers: authorization", echo)).stdout();
                List<String> head = allowed.lines().map(String::strip).map(line -> line.toLowerCase(Locale.ROOT))
                        .toList();
                assertTrue(allowed.startsWith("HTTP/1.1 204"), allowed);
                assertTrue(head.contains("access-control-allow-origin: http://localhost:5173"), allowed);
                assertTrue(head.contains("access-control-allow-credentials: true"), allowed);
                assertTrue(head.contains("access-control-allow-headers: authorization"), allowed);
                String refused = PeerTools.run(LIMIT, List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                        "-X", "OPTIONS", "-H", "Origin: http://evil.example", "-H",
                        "Access-Control-Request-Method: GET", echo)).stdout();
                assertEquals("403", refused);
            }
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(ExitCodes.USAGE, Main.run(List.of("serve", directory.toString(), "--cors", "localhost:5173"),
                    quiet, new PrintStream(err, true, StandardCharsets.UTF_8)));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("option --cors: not an origin as a browser"
                    + " sends it"), err.toString(StandardCharsets.UTF_8));
        });
    }

    @Test
    void theWebSocketEchoTakesItsOwnPagesAndTheCorsOriginsOnly() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = serve(directory, "--cors", "http://localhost:5173")) {
                assertEquals(101, upgrade(server, "Origin: http://localhost:5173"));
                assertEquals(101, upgrade(server, "Origin: http://127.0.0.1"), "its own page (Host: 127.0.0.1)");
                assertEquals(101, upgrade(server), "no browser");
                assertEquals(403, upgrade(server, "Origin: http://evil.example"));
            }
            try (Server server = serve(directory)) {
                assertEquals(403, upgrade(server, "Origin: http://localhost:5173"));
                assertEquals(101, upgrade(server, "Origin: http://127.0.0.1"));
            }
        });
    }

    private static int upgrade(Server server, String... fields) {
        int[] status = new int[1];
        RawPeer.talk(server.port(), peer -> status[0] = ScriptedWebSocketPeer.upgrade(peer, "/ws", fields).status());
        return status[0];
    }

    private static Server serve(Path root, String... options) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(root.toString(), "--plain", "--port", "0", "--quiet"));
        arguments.addAll(List.of(options));
        return ServeCommand.start(arguments, new PrintStream(OutputStream.nullOutputStream(), true,
                StandardCharsets.UTF_8));
    }

    /** curl's status and the first line of the body. */
    private static String curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-w", "\n%{http_code}"));
        command.addAll(List.of(arguments));
        List<String> lines = PeerTools.run(LIMIT, command).stdout().lines().toList();
        return lines.getLast() + " " + (lines.size() > 1 ? lines.getFirst() : "");
    }
}
