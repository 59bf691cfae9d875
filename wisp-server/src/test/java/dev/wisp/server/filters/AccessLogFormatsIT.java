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
    /** Apache's {@code %t} in UTC, as a pattern. */
    static final String TIME = "\\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\]";

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
        curlOverH2c("/hello");

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

    @Test
    void writesJsonLinesThatJqAndGoAccessRead() throws Exception {
        BlockingQueue<String> json = new LinkedBlockingQueue<>();
        Router router = Router.builder().get("/hello", (request, response) -> response.send("hello\n")).build();
        server = Server.create(ServerConfig.builder().port(0).http2(true).build(), HttpService.builder(router)
                .filter(AccessLog.builder().format(AccessLog.Format.JSON).zone(ZoneOffset.UTC).to(json::add).build())
                .build()).start();
        String user = "a\"b\\c\nd\u0001\u00e9\ud83d\ude00";
        String credentials = Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8));
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /hello?x=1 HTTP/1.1\r\nHost: app.test\r\nReferer: https://app.example/page\r\n"
                    + "Authorization: Basic " + credentials + "\r\n\r\n");
            assertEquals(200, peer.readResponse().status());
            peer.send("GET /nowhere HTTP/1.1\r\nHost: x\r\nUser-Agent: say \"hi\"\t\u009b\u00e9\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(404, peer.readResponse().status());
        });
        curlOverH2c("/hello");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String line = json.poll(5, TimeUnit.SECONDS);
            assertNotNull(line, "no line logged");
            assertTrue(line.matches("\\{\"time\":\"\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\",.*"), line);
            assertTrue(line.chars().allMatch(c -> c >= 0x20 && (c < 0x7f || c > 0x9f)),
                    "no control character: " + line);
            lines.add(line);
        }
        Path log = Files.write(directory.resolve("access.json"), lines, StandardCharsets.UTF_8);

        // jq parses each line as JSON and gives back the fields as they were sent.
        PeerTools.Result fields = PeerTools.run(Duration.ofSeconds(30), List.of(PeerTools.require("jq").toString(),
                "-r", "[.remote_addr, .user // \"-\", .method, .host // \"-\", .uri, .protocol, .status, .bytes_sent,"
                        + " (.duration_ms | type), .referer // \"-\", .user_agent // \"-\", .completed] | @json",
                log.toString()));
        assertEquals(0, fields.exitCode(), fields.stderr());
        List<String> parsed = new String(fields.stdout().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)
                .lines().toList();
        assertEquals(List.of(
                "[\"127.0.0.1\",\"a\\\"b\\\\c\\nd\\u0001\u00e9\ud83d\ude00\",\"GET\",\"app.test\","
                        + "\"/hello?x=1\",\"HTTP/1.1\",200,6,\"number\",\"https://app.example/page\",\"-\",true]",
                "[\"127.0.0.1\",\"-\",\"GET\",\"x\",\"/nowhere\",\"HTTP/1.1\",404,22,\"number\",\"-\","
                        + "\"say \\\"hi\\\"\\t\u009b\u00e9\",true]",
                "[\"127.0.0.1\",\"-\",\"GET\",\"127.0.0.1:" + server.port() + "\",\"/hello\",\"HTTP/2.0\",200,6,"
                        + "\"number\",\"-\",\"curl/h2\",true]"), parsed);

        // GoAccess's JSON log format takes every line as a valid request.
        Path report = directory.resolve("report.json");
        PeerTools.Result read = PeerTools.run(Duration.ofSeconds(30), List.of(PeerTools.require("goaccess").toString(),
                log.toString(), "--no-global-config", "--date-format=%Y-%m-%d", "--time-format=%H:%M:%S",
                "--log-format={\"time\":\"%dT%t.%^\",\"remote_addr\":\"%h\",\"user\":\"%e\",\"method\":\"%m\","
                        + "\"host\":\"%v\",\"uri\":\"%U\",\"protocol\":\"%H\",\"status\":\"%s\",\"bytes_sent\":\"%b\","
                        + "\"duration_ms\":\"%L\",\"referer\":\"%R\",\"user_agent\":\"%u\",\"completed\":\"%^\"}",
                "-o", report.toString()));
        assertEquals(0, read.exitCode(), read.stdout() + read.stderr());
        String goaccess = Files.readString(report);
        assertEquals(3, number(goaccess, "valid_requests"), "requests GoAccess took");
        assertEquals(0, number(goaccess, "failed_requests"), "lines GoAccess could not read");
    }

    /** Asks for the path with curl over h2c, as {@code curl/h2}. */
    private void curlOverH2c(String path) throws Exception {
        PeerTools.Result curl = PeerTools.run(Duration.ofSeconds(30), List.of(PeerTools.require("curl").toString(),
                "-s", "-o", "/dev/null", "-A", "curl/h2", "--http2-prior-knowledge",
                "http://127.0.0.1:" + server.port() + path));
        assertEquals(0, curl.exitCode(), curl.stderr());
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
