package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TestTransport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 against real clients: curl (h2 by ALPN over TLS, h2c with prior knowledge), nghttp2's h2load (many
 * streams on few connections, each response checked by status), and HTTP/1.1 still served on the same ports.
 */
class Http2PeersIT {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    private static final byte[] LARGE = new byte[3 * 1024 * 1024 + 17];
    /** How each run of the /streamed handler ended. */
    private static final java.util.concurrent.BlockingQueue<String> STREAMED =
            new java.util.concurrent.LinkedBlockingQueue<>();

    @BeforeAll
    static void chooseTheirOwnTransports() {
        assumeFalse(TestTransport.isTls(), "these tests choose TLS or plaintext per server themselves");
        new Random(7).nextBytes(LARGE);
    }

    private static Router routes() {
        return Router.builder()
                .get("/hello", (request, response) -> response.send("hello over " + request.protocol() + " on "
                        + request.connection().protocol() + "\n"))
                .get("/large", (request, response) -> response.send(LARGE))
                .get("/streamed", (request, response) -> streamLines(response.trailer("x-checksum", "done")))
                .get("/no-content", (request, response) -> {
                    response.status(204);
                    streamLines(response);
                })
                .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                .build();
    }

    /** Writes 100 lines, flushing each, and records how that ended. */
    private static void streamLines(ServerResponse response) throws java.io.IOException {
        try (var out = response.outputStream()) {
            for (int i = 0; i < 100; i++) {
                out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (java.io.IOException e) {
            STREAMED.add("failed: " + e);
            throw e;
        }
        STREAMED.add("wrote 100 lines");
    }

    private static Server start(boolean tls) {
        ServerConfig.Builder config = TestServers.config().http2(true);
        if (tls) {
            config.tls(TestTls.server().build());
        }
        return Server.create(config.build(), routes()).start();
    }

    private static PeerTools.Result curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "-sS", "--max-time",
                "30"));
        command.addAll(List.of(arguments));
        PeerTools.Result result = PeerTools.run(RUN_TIMEOUT, command);
        assertEquals(0, result.exitCode(), () -> "curl failed: " + result.stderr());
        return result;
    }

    @Test
    void servesCurlOverTlsWhenAlpnChoosesH2AndHttp11WhenCurlAsksForIt() throws Exception {
        try (Server server = start(true)) {
            String url = "https://localhost:" + server.port() + "/hello";
            assertEquals("hello over HTTP/2 on HTTP/2\n", curl("--cacert", TestTls.file("ca.pem"), "--http2", url)
                    .stdout());
            assertEquals("hello over HTTP/1.1 on HTTP/1.1\n", curl("--cacert", TestTls.file("ca.pem"), "--http1.1",
                    url).stdout());
        }
    }

    @Test
    void servesCurlWithPriorKnowledgeInPlaintextBesideHttp11() throws Exception {
        try (Server server = start(false)) {
            String url = "http://127.0.0.1:" + server.port() + "/hello";
            assertEquals("hello over HTTP/2 on HTTP/2\n", curl("--http2-prior-knowledge", url).stdout());
            assertEquals("hello over HTTP/1.1 on HTTP/1.1\n", curl(url).stdout());
        }
    }

    @Test
    void dropsWhatAHandlerWritesAfterChoosingAStatusWithoutContentAsHttp11Does() throws Exception {
        STREAMED.clear();
        try (Server server = start(false)) {
            PeerTools.Result result = curl("--http2-prior-knowledge", "-i", "http://127.0.0.1:" + server.port()
                    + "/no-content");
            assertTrue(result.stdout().startsWith("HTTP/2 204"), result.stdout());
            assertEquals("wrote 100 lines", STREAMED.poll(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void sendsALargeBodyWholeThroughFlowControlAndStreamsWithTrailers(@TempDir Path folder) throws Exception {
        try (Server server = start(true)) {
            String base = "https://localhost:" + server.port();
            Path large = folder.resolve("large");
            curl("--cacert", TestTls.file("ca.pem"), "--http2", "-o", large.toString(), base + "/large");
            assertTrue(java.util.Arrays.equals(LARGE, Files.readAllBytes(large)), "the body arrived whole");
            PeerTools.Result streamed = curl("--cacert", TestTls.file("ca.pem"), "--http2", "-v", base + "/streamed");
            assertTrue(streamed.stdout().startsWith("line 0\nline 1\n") && streamed.stdout().endsWith("line 99\n"),
                    streamed.stdout());
            assertTrue(streamed.stderr().contains("x-checksum: done"), "the trailer came: " + streamed.stderr());
        }
    }

    @Test
    void echoesAnUploadLargerThanTheFlowControlWindows(@TempDir Path folder) throws Exception {
        Path upload = folder.resolve("upload");
        Files.write(upload, LARGE);
        Path echoed = folder.resolve("echoed");
        try (Server server = start(false)) {
            curl("--http2-prior-knowledge", "--data-binary", "@" + upload, "-o", echoed.toString(),
                    "http://127.0.0.1:" + server.port() + "/echo");
        }
        assertTrue(java.util.Arrays.equals(LARGE, Files.readAllBytes(echoed)), "the upload came back whole");
    }

    @Test
    void answersEveryRequestOfH2loadOnManyConcurrentStreams() throws Exception {
        String h2load = PeerTools.require("h2load").toString();
        for (boolean tls : new boolean[] {false, true}) {
            try (Server server = start(tls)) {
                String url = (tls ? "https://localhost:" : "http://127.0.0.1:") + server.port() + "/hello";
                PeerTools.Result result = PeerTools.run(RUN_TIMEOUT, List.of(h2load, "-n", "5000", "-c", "4", "-m",
                        "50", url));
                assertEquals(0, result.exitCode(), result.stderr());
                assertEquals(5000, count(result.stdout(), "(\\d+) 2xx"), result.stdout());
                assertEquals(5000, count(result.stdout(), "(\\d+) succeeded"), result.stdout());
                assertTrue(result.stdout().contains("Application protocol: h2"), result.stdout());
            }
        }
    }

    @Test
    void endsAConnectionIdleForItsTimeoutWithGoAwayAfterItWaitedWithoutAThread() throws Exception {
        Path script = Path.of("src/test/python/h2_idle_client.py").toAbsolutePath();
        ServerConfig.Builder config = TestServers.config().http2(true).idleTimeout(Duration.ofSeconds(1));
        try (Server server = Server.create(config.build(), routes()).start()) {
            PeerTools.Result result = PeerTools.run(RUN_TIMEOUT, List.of("/usr/bin/python3", script.toString(),
                    Integer.toString(server.port()), "10"));
            assertEquals(0, result.exitCode(), result.stderr());
            String[] lines = result.stdout().split("\n");
            assertEquals("status 200", lines[0], result.stdout());
            assertEquals("body hello over HTTP/2 on HTTP/2", lines[1], result.stdout());
            assertEquals("goaway NO_ERROR last stream 1", lines[2], result.stdout());
            assertTrue(lines[3].startsWith("closed after "), result.stdout());
            double seconds = Double.parseDouble(lines[3].substring("closed after ".length(), lines[3].length() - 2));
            assertTrue(seconds >= 0.9 && seconds < 5, result.stdout());
        }
    }

    @Test
    void answersAHeaderListPastMaxHeaderBytesWith431AndServesTheNextRequestOnTheConnection() throws Exception {
        Path script = Path.of("src/test/python/h2_large_headers_client.py").toAbsolutePath();
        ServerConfig.Builder config = TestServers.config().http2(true).maxHeaderBytes(4096);
        try (Server server = Server.create(config.build(), routes()).start()) {
            PeerTools.Result result = PeerTools.run(RUN_TIMEOUT, List.of("/usr/bin/python3", script.toString(),
                    Integer.toString(server.port()), "100", "5000", "100", "3900", "100"));
            assertEquals(0, result.exitCode(), result.stderr());
            assertEquals("status 200\nstatus 431\nstatus 200\nstatus 431\nstatus 200\n", result.stdout());
        }
    }

    private static long count(String output, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(output);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }
}
