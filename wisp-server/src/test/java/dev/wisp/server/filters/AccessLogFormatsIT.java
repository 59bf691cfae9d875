package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log's common and combined formats over real sockets, HTTP/1.1 and h2c from curl, with the user of Basic
 * credentials, a Referer and a quote to escape; and GoAccess, a reader of web servers' logs, taking every combined
 * line as a valid request.
 */
class AccessLogFormatsIT {
    /** Apache's {@code %t} in UTC. */
    private static final String TIME = "\\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\]";

    private final BlockingQueue<String> combined = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> common = new LinkedBlockingQueue<>();
    private Server server;

    @TempDir
    Path directory;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    @Test
    void writesTheCombinedAndCommonFormatsThatLogReadersTake() throws Exception {
        Router router = Router.builder().get("/hello", (request, response) -> response.send("hello\n")).build();
        server = Server.create(ServerConfig.builder().port(0).http2(true).build(), HttpService.builder(router)
                .filter(AccessLog.builder().format(AccessLog.Format.COMBINED).zone(ZoneOffset.UTC).to(combined::add)
                        .build())
                .filter(AccessLog.builder().format(AccessLog.Format.COMMON).zone(ZoneOffset.UTC).to(common::add)
                        .build())
                .build()).start();
        String alice = Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /hello?x=1 HTTP/1.1\r\nHost: x\r\nReferer: https://app.example/page\r\n"
                    + "User-Agent: raw/1.0\r\nAuthorization: Basic " + alice + "\r\n\r\n");
            assertEquals(200, peer.readResponse().status());
            peer.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, peer.readResponseHead().status());
            peer.send("GET /nowhere HTTP/1.1\r\nHost: x\r\nUser-Agent: say \"hi\"\r\n\r\n");
            assertEquals(404, peer.readResponse().status());
        });
        PeerTools.Result curl = PeerTools.run(Duration.ofSeconds(30), List.of(PeerTools.require("curl").toString(),
                "-s", "-o", "/dev/null", "-A", "curl/h2", "--http2-prior-knowledge",
                "http://127.0.0.1:" + server.port() + "/hello"));
        assertEquals(0, curl.exitCode(), curl.stderr());

        List<String> lines = new ArrayList<>();
        lines.add(assertLine(combined, "127\\.0\\.0\\.1 - alice " + TIME
                + " \"GET /hello\\?x=1 HTTP/1\\.1\" 200 6 \"https://app\\.example/page\" \"raw/1\\.0\""));
        lines.add(assertLine(combined, "127\\.0\\.0\\.1 - - " + TIME
                + " \"HEAD /hello HTTP/1\\.1\" 200 - \"-\" \"-\""));
        lines.add(assertLine(combined, "127\\.0\\.0\\.1 - - " + TIME
                + " \"GET /nowhere HTTP/1\\.1\" 404 \\d+ \"-\" \"say \\\\\"hi\\\\\"\""));
        lines.add(assertLine(combined, "127\\.0\\.0\\.1 - - " + TIME
                + " \"GET /hello HTTP/2\\.0\" 200 6 \"-\" \"curl/h2\""));
        assertLine(common, "127\\.0\\.0\\.1 - alice " + TIME + " \"GET /hello\\?x=1 HTTP/1\\.1\" 200 6");
        assertLine(common, "127\\.0\\.0\\.1 - - " + TIME + " \"HEAD /hello HTTP/1\\.1\" 200 -");
        assertLine(common, "127\\.0\\.0\\.1 - - " + TIME + " \"GET /nowhere HTTP/1\\.1\" 404 \\d+");
        assertLine(common, "127\\.0\\.0\\.1 - - " + TIME + " \"GET /hello HTTP/2\\.0\" 200 6");

        // GoAccess reads the lines as it reads Apache's and nginx's: every one a valid request.
        Path log = Files.write(directory.resolve("access.log"), lines);
        Path report = directory.resolve("report.json");
        PeerTools.Result read = PeerTools.run(Duration.ofSeconds(30), List.of(PeerTools.require("goaccess").toString(),
                log.toString(), "--log-format=COMBINED", "--no-global-config", "-o", report.toString()));
        assertEquals(0, read.exitCode(), read.stdout() + read.stderr());
        String json = Files.readString(report);
        assertEquals(4, number(json, "valid_requests"), "requests GoAccess took");
        assertEquals(0, number(json, "failed_requests"), "lines GoAccess could not read");
        assertTrue(json.contains("\"data\": \"\\/hello\""), "/hello among the requests");
        assertTrue(json.contains("\"data\": \"app.example\""), "app.example among the referring sites");
    }

    private static String assertLine(BlockingQueue<String> lines, String regex) throws InterruptedException {
        String line = lines.poll(5, TimeUnit.SECONDS);
        assertNotNull(line, "no line logged");
        assertTrue(line.matches(regex), line + " does not match " + regex);
        return line;
    }

    /** A number of the report's "general" section, such as {@code "valid_requests": 4}. */
    private static long number(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\": *([0-9]+)").matcher(json);
        assertTrue(matcher.find(), name + " not in the report");
        return Long.parseLong(matcher.group(1));
    }
}
