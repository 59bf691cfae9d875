package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.Client;
import dev.wisp.server.Server;
import dev.wisp.testing.NginxConfig;
import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp serve --proxy}: nginx as the upstream and curl as the client (both peers nobody here wrote), and a
 * second {@code wisp serve} as the upstream of a WebSocket.
 */
class ServeProxyIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path directory;
    private final List<Server> servers = new ArrayList<>();
    private Process nginx;

    @AfterEach
    void stop() throws Exception {
        servers.forEach(Server::close);
        if (nginx != null) {
            PeerTools.stop(nginx);
        }
    }

    private final java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();

    private Server serve(String... options) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(directory.toString(), "--plain", "--port", "0", "--quiet"));
        arguments.addAll(List.of(options));
        Server server = ServeCommand.start(arguments, new PrintStream(printed, true, StandardCharsets.UTF_8));
        servers.add(server);
        return server;
    }

    /** nginx serving www/ on a free port: files, and a directory it redirects to with a slash. */
    private int startNginx(byte[] data) throws Exception {
        Path root = Files.createDirectories(directory.resolve("nginx"));
        Files.createDirectories(root.resolve("www/docs"));
        Files.write(root.resolve("www/data.bin"), data);
        Files.writeString(root.resolve("www/docs/index.html"), "<p>docs</p>\n");
        int port = PeerProcess.freePort();
        nginx = NginxConfig.startListening(root, port, """
                types { text/html html; application/octet-stream bin; }
                server {
                    listen 127.0.0.1:%1$d;
                    root %2$s/www;
                    location = /headers { return 200 "$http_x_forwarded_for $http_via $host\\n"; }
                    location = /credentials { return 200 "[$http_authorization] [$http_x_token]\\n"; }
                    location = /cors {
                        add_header Access-Control-Allow-Origin "*";
                        add_header Access-Control-Expose-Headers "X-Upstream";
                        return 200 "cors\\n";
                    }
                }
                """.formatted(port, root));
        return port;
    }

    @Test
    void sendsAPrefixToNginxAndServesTheRestFromFiles() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] data = new byte[3 * 1024 * 1024 + 5];
            new Random(11).nextBytes(data);
            int nginxPort = startNginx(data);
            Files.writeString(directory.resolve("local.txt"), "local file\n");
            Server server = serve("--proxy", "/up=http://127.0.0.1:" + nginxPort);
            String base = "http://127.0.0.1:" + server.port();
            assertTrue(printed.toString(StandardCharsets.UTF_8).contains("Proxying /up/ to http://127.0.0.1:"
                    + nginxPort + " (requests and WebSockets)\n"), printed.toString(StandardCharsets.UTF_8));

            assertArrayEquals(data, curlBytes(base + "/up/data.bin"));
            assertEquals("local file\n", curl("-s", base + "/local.txt"));
            String range = curl("-s", "-D", "-", "-r", "10-19", base + "/up/data.bin");
            assertTrue(range.startsWith("HTTP/1.1 206"), range);
            assertTrue(range.toLowerCase().contains("content-range: bytes 10-19/" + data.length), range);
            // nginx's own redirect to the directory with a slash points at nginx; the proxy points it at itself.
            assertEquals(base + "/up/docs/", curl("-s", "-o", "/dev/null", "-w", "%{redirect_url}",
                    base + "/up/docs"));
            assertEquals("<p>docs</p>\n", curl("-s", "-L", base + "/up/docs"));
            assertEquals("127.0.0.1 1.1 wisp 127.0.0.1\n", curl("-s", base + "/up/headers"));
        });
    }

    /**
     * With {@code --auth}, the password a client gave this server stays here: the upstream, another party perhaps,
     * gets the request without {@code Authorization} (before 2026-12-06 it got the password), and the other fields.
     */
    @Test
    void withAuthTheCredentialsAreNotForwarded() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            int nginxPort = startNginx(new byte[1]);
            String route = "/up=http://127.0.0.1:" + nginxPort;
            Server guarded = serve("--proxy", route, "--auth", "alice:s3cret");
            Server open = serve("--proxy", route);
            String[] asAlice = {"-s", "-u", "alice:s3cret", "-H", "X-Token: t1"};
            assertEquals("[] [t1]\n", curl(with(asAlice, "http://127.0.0.1:" + guarded.port() + "/up/credentials")));
            assertEquals("[Basic YWxpY2U6czNjcmV0] [t1]\n",
                    curl(with(asAlice, "http://127.0.0.1:" + open.port() + "/up/credentials")),
                    "without --auth the credentials are the upstream's, and go through");
        });
    }

    @Test
    void withCorsTheUpstreamsCorsFieldsAreLeftOutForTheFilters() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            int nginxPort = startNginx(new byte[1]);
            String route = "/up=http://127.0.0.1:" + nginxPort;
            Server plain = serve("--proxy", route);
            Server withCors = serve("--proxy", route, "--cors", "http://app.test");
            String[] fromApp = {"-s", "-D", "-", "-H", "Origin: http://app.test"};
            String relayed = curl(with(fromApp, "http://127.0.0.1:" + plain.port() + "/up/cors"));
            assertTrue(relayed.contains("\r\nAccess-Control-Allow-Origin: *\r\n"), relayed);
            String filtered = curl(with(fromApp, "http://127.0.0.1:" + withCors.port() + "/up/cors"));
            assertTrue(filtered.endsWith("\r\n\r\ncors\n"), filtered);
            // One of each, the filter's: a browser refuses an answer with two.
            assertEquals(List.of("Access-Control-Allow-Origin: http://app.test",
                    "Access-Control-Allow-Credentials: true"), filtered.lines()
                    .filter(line -> line.startsWith("Access-Control-")).toList(), filtered);
        });
    }

    @Test
    void aProxyOfEveryPathServesNoFilesAndTheMetricsComeFirst() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            int nginxPort = startNginx(new byte[7]);
            Server server = serve("--proxy", "/=http://127.0.0.1:" + nginxPort, "--metrics", "/metrics");
            String base = "http://127.0.0.1:" + server.port();
            String said = printed.toString(StandardCharsets.UTF_8);
            assertTrue(said.startsWith("Listening on " + base + "/\nProxying / to http://127.0.0.1:" + nginxPort
                    + " (requests and WebSockets)\n"), said);
            assertEquals(7, curlBytes(base + "/data.bin").length);
            assertEquals("404", curl("-s", "-o", "/dev/null", "-w", "%{http_code}", base + "/none"));
            String scraped = curl("-s", base + "/metrics");
            assertTrue(scraped.contains("\nwisp_responses_total{class=\"2xx\"} 1\n"), scraped);
            assertTrue(scraped.contains("\nwisp_responses_total{class=\"4xx\"} 1\n"), scraped);
            assertTrue(scraped.contains("\nwisp_connections_accepted_total 3\n"), scraped);
            // Timed: the file and the 404 ended, the scrape is under way.
            assertTrue(scraped.contains("\nwisp_request_duration_seconds_count 2\n"), scraped);
            assertTrue(scraped.contains("\nwisp_requests_in_flight 1\n"), scraped);
            // Behind the filters: --auth asks for the password there too.
            Server guarded = serve("--metrics", "/metrics", "--auth", "scraper:s3cret");
            String guardedMetrics = "http://127.0.0.1:" + guarded.port() + "/metrics";
            assertEquals("401", curl("-s", "-o", "/dev/null", "-w", "%{http_code}", guardedMetrics));
            assertTrue(curl("-s", "-u", "scraper:s3cret", guardedMetrics).contains("\nwisp_connections_open 1\n"));
            UsageException e = assertThrows(UsageException.class, () -> serve("--metrics", "metrics"));
            assertEquals("option --metrics needs a path starting with '/', such as /metrics", e.getMessage());
        });
    }

    /**
     * The longest prefix is chosen first, whatever the order the options came in, as nginx chooses its locations:
     * before, {@code /} given first took {@code /up}'s paths too. A prefix of {@code /echo} takes that path from the
     * server's own echo.
     */
    @Test
    void choosesTheLongestPrefixFirstAndAProxyOfEchoTakesIt() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            int nginxPort = startNginx(new byte[7]);
            Files.writeString(directory.resolve("local.txt"), "local file\n");
            Server upstream = serve();
            Server front = serve("--proxy", "/=http://127.0.0.1:" + upstream.port(),
                    "--proxy", "/up=http://127.0.0.1:" + nginxPort);
            String base = "http://127.0.0.1:" + front.port();
            assertEquals(7, curlBytes(base + "/up/data.bin").length);
            assertEquals("local file\n", curl("-s", base + "/local.txt"));
            Server echoProxied = serve("--proxy", "/echo=http://127.0.0.1:" + nginxPort);
            assertEquals(7, curlBytes("http://127.0.0.1:" + echoProxied.port() + "/echo/data.bin").length);
        });
    }

    @Test
    void relaysWebSocketsUnderThePrefix() throws Exception {
        assertTimeoutPreemptively(LIMIT, () -> {
            Server upstream = serve();
            Server front = serve("--proxy", "/up/=http://127.0.0.1:" + upstream.port());
            try (Client client = Client.create()) {
                WebSocket webSocket = client.webSocket("ws://127.0.0.1:" + front.port() + "/up/ws",
                        WebSocketConfig.defaults());
                webSocket.sendText("through the proxy");
                WebSocketMessage echoed = webSocket.receive().orElseThrow();
                assertEquals("through the proxy", ((WebSocketMessage.Text) echoed).text());
                webSocket.close();
            }
            assertTrue(curl("-s", "http://127.0.0.1:" + front.port() + "/up/echo").startsWith("GET /echo "));
            // Two upstreams, one of them refusing: every request is answered by the other.
            int closed = PeerProcess.freePort();
            Server shared = serve("--proxy", "/up=http://127.0.0.1:" + closed + ", http://127.0.0.1:"
                    + upstream.port());
            for (int i = 0; i < 4; i++) {
                assertTrue(curl("-s", "http://127.0.0.1:" + shared.port() + "/up/echo").startsWith("GET /echo "));
            }
        });
    }

    @Test
    void takesUploadsUpToMaxRequestBodyThroughTheProxy() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path upload = Files.write(directory.resolve("upload.bin"), new byte[11 << 20]); // past the 10 MiB default
            Server upstream = serve("--max-request-body", "12M");
            String route = "/up=http://127.0.0.1:" + upstream.port();
            Server limited = serve("--proxy", route);
            Server raised = serve("--proxy", route, "--max-request-body", "12M");
            String[] post = {"-s", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@" + upload};
            assertEquals("413", curl(with(post, "http://127.0.0.1:" + limited.port() + "/up/echo")));
            assertEquals("200", curl(with(post, "http://127.0.0.1:" + raised.port() + "/up/echo")));
        });
    }

    private static String[] with(String[] arguments, String last) {
        String[] all = java.util.Arrays.copyOf(arguments, arguments.length + 1);
        all[arguments.length] = last;
        return all;
    }

    @Test
    void refusesAProxyThatIsNotPrefixEqualsUrl() {
        for (String bad : List.of("api=http://127.0.0.1:1", "/api=ftp://host/", "/api", "/api=http://h/?q")) {
            assertThrows(UsageException.class, () -> serve("--proxy", bad), bad);
        }
        assertThrows(UsageException.class, () -> serve("--proxy-cacert", "ca.pem"));
        // A prefix given twice, or with an empty segment, and a metrics path that is a pattern: usage errors, where
        // the router's refusal of a route it could never reach came out as an internal error (exit 1).
        UsageException twice = assertThrows(UsageException.class, () -> serve("--proxy", "/api=http://127.0.0.1:1",
                "--proxy", "/api/=http://127.0.0.1:2"));
        assertEquals("option --proxy /api/=http://127.0.0.1:2: the prefix /api/ is given twice", twice.getMessage());
        assertThrows(UsageException.class, () -> serve("--proxy", "//=http://127.0.0.1:1"));
        for (String pattern : List.of("/{x}", "/*", "/a//b")) {
            assertThrows(UsageException.class, () -> serve("--metrics", pattern), pattern);
        }
    }

    private static String curl(String... arguments) throws Exception {
        return new String(curlBytes(arguments), StandardCharsets.UTF_8);
    }

    /** curl's output as bytes: {@link PeerTools} reads it as ISO-8859-1, one char a byte. */
    private static byte[] curlBytes(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "--max-time", "20"));
        command.addAll(List.of(arguments));
        return PeerTools.run(Duration.ofSeconds(30), command).stdout().getBytes(StandardCharsets.ISO_8859_1);
    }
}
