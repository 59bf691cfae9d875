package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests the server refuses before the filters (a head it cannot read, one over a limit, one not sent in time)
 * have their access-log line, as in nginx's and Apache's logs: the request line as far as it arrived, the status and
 * the refusal's bytes; over HTTP/1.1 and h2c, in Wisp's, the combined and the JSON format, so that the log has as many
 * lines as the server counts responses, and GoAccess counts the errors the server sent.
 */
class AccessLogRefusalsIT {

    private final BlockingQueue<String> wisp = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> combined = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> json = new LinkedBlockingQueue<>();
    private Server server;
    private int refusals;

    @TempDir
    Path directory;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    private void start() {
        Router router = Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .put("/upload", (request, response) -> response.send(request.bodyBytes()))
                .build();
        server = Server.create(ServerConfig.builder().port(0).http2(true).maxRequestLineBytes(256)
                        .maxHeaderBytes(1024).maxHeaderCount(20).headerTimeout(Duration.ofMillis(500))
                        .readTimeout(Duration.ofMillis(500)).build(),
                HttpService.builder(router)
                        .filter(AccessLog.to(wisp::add))
                        .filter(AccessLog.builder().format(AccessLog.Format.COMBINED).zone(ZoneOffset.UTC)
                                .to(combined::add).build())
                        .filter(AccessLog.builder().format(AccessLog.Format.JSON).zone(ZoneOffset.UTC)
                                .to(json::add).build())
                        .build()).start();
    }

    @Test
    void logsEveryRequestTheServerRefusedBeforeTheFilters() throws Exception {
        start();
        String longTarget = "/" + "a".repeat(400);
        refuse("GET /bad%FF HTTP/1.1\r\nHost: x\r\n\r\n", 400);
        refuse("GET /hello HTTP/1.1\r\nUser-Agent: no-host\r\n\r\n", 400);
        refuse("GET " + longTarget + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
        refuse("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(2000) + "\r\n\r\n", 431);
        refuse("GET /hello HTTP/2.0\r\nHost: x\r\n\r\n", 505);
        refuse("\u0016\u0003\u0001\u0002\u0000 hello\r\n\r\n", 400);
        RawPeer.talk(server.port(), peer -> {
            peer.send("HEAD /bad%FF HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(400, peer.readResponseHead().status());
        });
        awaitLogged(7);
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n"); // and no more: the header timeout passes
            assertEquals(408, peer.readResponse().status());
        });
        awaitLogged(8);
        PeerTools.Result curl = PeerTools.run(Duration.ofSeconds(30), List.of(PeerTools.require("curl").toString(),
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "--http2-prior-knowledge",
                "-H", "X-1: a", "-H", "X-2: a", "-H", "X-3: a", "-H", "X-4: a", "-H", "X-5: a", "-H", "X-6: a",
                "-H", "X-7: a", "-H", "X-8: a", "-H", "X-9: a", "-H", "X-10: a", "-H", "X-11: a", "-H", "X-12: a",
                "-H", "X-13: a", "-H", "X-14: a", "-H", "X-15: a", "-H", "X-16: a", "-H", "X-17: a", "-H", "X-18: a",
                "-H", "X-19: a", "-H", "X-20: a", "-A", "curl/h2", "http://127.0.0.1:" + server.port() + "/hello"));
        assertEquals("431", curl.stdout(), curl.stderr());

        awaitLogged(9);
        assertLines(wisp,
                "127\\.0\\.0\\.1 \"GET /bad%FF HTTP/1\\.1\" 400 \\d+ \\d+ms \"-\"",
                "127\\.0\\.0\\.1 \"GET /hello HTTP/1\\.1\" 400 \\d+ \\d+ms \"-\"",
                // What arrived of the line, up to the limit (maxRequestLineBytes): a log line cannot be made as long
                // as a client likes.
                "127\\.0\\.0\\.1 \"GET /a{251}\" 414 \\d+ \\d+ms \"-\"",
                "127\\.0\\.0\\.1 \"GET /hello HTTP/1\\.1\" 431 \\d+ \\d+ms \"-\"",
                "127\\.0\\.0\\.1 \"GET /hello HTTP/2\\.0\" 505 \\d+ \\d+ms \"-\"",
                "127\\.0\\.0\\.1 \"\\\\x16\\\\x03\\\\x01\\\\x02\\\\x00 hello\" 400 \\d+ \\d+ms \"-\"",
                "127\\.0\\.0\\.1 \"HEAD /bad%FF HTTP/1\\.1\" 400 0 \\d+ms \"-\"",
                "127\\.0\\.0\\.1 \"GET /hello HTTP/1\\.1\" 408 \\d+ \\d+ms \"-\"",
                // Over HTTP/2 the header block was read, so its User-Agent is known.
                "127\\.0\\.0\\.1 \"GET /hello HTTP/2\" 431 0 \\d+ms \"curl/h2\"");
        assertNull(wisp.poll(200, TimeUnit.MILLISECONDS), "one line per refusal");
        assertEquals(9, server.stats().responses().total(), "responses the server counted");

        List<String> lines = new ArrayList<>();
        String from = "127\\.0\\.0\\.1 - - " + AccessLogFormatsIT.TIME;
        lines.add(assertLine(combined, from + " \"GET /bad%FF HTTP/1\\.1\" 400 \\d+ \"-\" \"-\""));
        for (int i = 0; i < 5; i++) {
            lines.add(assertLine(combined, from + " \".*\" \\d{3} \\d+ \"-\" \"-\""));
        }
        lines.add(assertLine(combined, from + " \"HEAD /bad%FF HTTP/1\\.1\" 400 - \"-\" \"-\""));
        lines.add(assertLine(combined, from + " \"GET /hello HTTP/1\\.1\" 408 \\d+ \"-\" \"-\""));
        lines.add(assertLine(combined, from + " \"GET /hello HTTP/2\\.0\" 431 - \"-\" \"curl/h2\""));
        lines.removeIf(line -> line.contains("\\x16")); // not a request line at all: GoAccess counts it failed
        Path log = Files.write(directory.resolve("access.log"), lines);
        Path report = directory.resolve("report.json");
        PeerTools.Result read = PeerTools.run(Duration.ofSeconds(30), List.of(PeerTools.require("goaccess").toString(),
                log.toString(), "--log-format=COMBINED", "--no-global-config", "-o", report.toString()));
        assertEquals(0, read.exitCode(), read.stdout() + read.stderr());
        String goaccess = Files.readString(report, StandardCharsets.ISO_8859_1);
        assertTrue(goaccess.matches("(?s).*\"valid_requests\": *8\\b.*"), "GoAccess took every line: " + goaccess);

        List<String> objects = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            String line = json.poll(5, TimeUnit.SECONDS);
            assertNotNull(line, "no JSON line logged");
            objects.add(line);
        }
        Path jsonLog = Files.write(directory.resolve("access.json"), objects, StandardCharsets.UTF_8);
        PeerTools.Result fields = PeerTools.run(Duration.ofSeconds(30), List.of(PeerTools.require("jq").toString(),
                "-c", "[.method, .uri, .protocol, .status, .user_agent, .completed]", jsonLog.toString()));
        assertEquals(0, fields.exitCode(), fields.stderr());
        List<String> parsed = fields.stdout().lines().toList();
        assertEquals("[\"GET\",\"/bad%FF\",\"HTTP/1.1\",400,null,true]", parsed.get(0));
        assertEquals("[null,\"\\u0016\\u0003\\u0001\\u0002\\u0000 hello\",null,400,null,true]", parsed.get(5));
        assertEquals("[\"GET\",\"/hello\",\"HTTP/2.0\",431,\"curl/h2\",true]", parsed.get(8));
    }

    @Test
    void logsTheStatusOfABodyThatCameLateOrCutShortAsTheClientGotIt() throws Exception {
        start();
        RawPeer.talk(server.port(), peer -> {
            peer.send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"); // and no more
            assertEquals(408, peer.readResponse().status());
        });
        assertLine(wisp, "127\\.0\\.0\\.1 \"PUT /upload HTTP/1\\.1\" 408 \\d+ \\d+ms \"-\"");
        RawPeer.talk(server.port(), peer -> {
            peer.send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
            peer.shutdownOutput();
            assertEquals(400, peer.readResponse().status());
        });
        assertLine(wisp, "127\\.0\\.0\\.1 \"PUT /upload HTTP/1\\.1\" 400 \\d+ \\d+ms \"-\"");
        RawPeer.talk(server.port(), peer -> {
            peer.send("PUT /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
            assertEquals(408, peer.readResponse().status());
        });
        assertLine(wisp, "127\\.0\\.0\\.1 \"PUT /upload HTTP/1\\.1\" 408 \\d+ \\d+ms \"-\"");
        assertEquals(3, server.stats().responses().clientError(), "4xx the server counted");
    }

    private void refuse(String request, int status) throws InterruptedException {
        RawPeer.talk(server.port(), peer -> {
            peer.send(request.getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(status, peer.readResponse().status(), request);
        });
        awaitLogged(++refusals);
    }

    /**
     * Waits until every log has this many lines. A refusal's lines are logged by its connection's thread after its
     * answer was read, so the next refusal's connection could log between two of them, and the logs would differ in
     * order: each refusal is sent once the one before is in every log.
     */
    private void awaitLogged(int lines) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Math.min(wisp.size(), Math.min(combined.size(), json.size())) < lines && System.nanoTime() - end < 0) {
            Thread.sleep(5);
        }
        assertEquals(lines, Math.min(wisp.size(), Math.min(combined.size(), json.size())), "lines in every log");
    }

    /** Takes as many lines as there are patterns, and checks that each pattern matches one of them. */
    private static void assertLines(BlockingQueue<String> lines, String... regexes) throws InterruptedException {
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < regexes.length; i++) {
            String line = lines.poll(5, TimeUnit.SECONDS);
            assertNotNull(line, "no line logged after " + taken);
            taken.add(line);
        }
        for (String regex : regexes) {
            assertTrue(taken.removeIf(line -> line.matches(regex)), regex + " matches none of " + taken);
        }
    }

    private static String assertLine(BlockingQueue<String> lines, String regex) throws InterruptedException {
        String line = lines.poll(5, TimeUnit.SECONDS);
        assertNotNull(line, "no line logged");
        assertTrue(line.matches(regex), line + " does not match " + regex);
        return line;
    }
}
