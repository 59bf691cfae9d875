package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The access log over a real socket: one line per exchange with the status and content bytes the client got,
 * for a route, HEAD, the router's 404 and 405, the server's 400 and 413 refusals, and a handler's 500; the target
 * and User-Agent escaped.
 */
class AccessLogIT {
    private static final BlockingQueue<String> LINES = new LinkedBlockingQueue<>();
    private static Server server;

    @BeforeAll
    static void start() {
        Router router = Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                .get("/throw", (request, response) -> {
                    throw new IllegalStateException("bug");
                })
                .get("/unreadable", (request, response) -> {
                    throw new java.io.IOException("the file could not be read");
                })
                .get("/short", (request, response) -> {
                    response.setHeader("Content-Length", "100");
                    response.outputStream().write("part".getBytes(StandardCharsets.US_ASCII));
                    throw new IllegalStateException("bug after the head");
                })
                .get("/sent", (request, response) -> {
                    response.send("whole\n");
                    throw new java.io.IOException("failed after sending");
                })
                .get("/flushed", (request, response) -> {
                    OutputStream body = response.outputStream();
                    body.write("part".getBytes(StandardCharsets.US_ASCII));
                    body.flush();
                    throw new IllegalStateException("bug after a flush");
                })
                .build();
        server = Server.create(ServerConfig.builder().port(0).maxRequestBodyBytes(10).build(),
                HttpService.builder(router).filter(AccessLog.to(LINES::add)).build()).start();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @BeforeEach
    void forget() {
        LINES.clear();
    }

    @Test
    void logsOneLinePerExchangeWithWhatTheClientGot() throws Exception {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /hello?x=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: raw/1.0\r\n\r\n");
            assertEquals(200, peer.readResponse().status());
            peer.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, peer.readResponseHead().status());
            peer.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(404, peer.readResponse().status());
            peer.send("PUT /hello HTTP/1.0\r\nHost: x\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
            assertEquals(405, peer.readResponse().status());
            peer.send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(500, peer.readResponse().status());
        });
        assertLine("127.0.0.1 \"GET /hello\\?x=1 HTTP/1.1\" 200 6 \\d+ms \"raw/1.0\"");
        assertLine("127.0.0.1 \"HEAD /hello HTTP/1.1\" 200 0 \\d+ms \"-\"");
        assertLine("127.0.0.1 \"GET /nowhere HTTP/1.1\" 404 22 \\d+ms \"-\"");
        assertLine("127.0.0.1 \"PUT /hello HTTP/1.0\" 405 30 \\d+ms \"-\"");
        assertLine("127.0.0.1 \"GET /throw HTTP/1.1\" 500 22 \\d+ms \"-\"");
    }

    @Test
    void logsTheServersRefusals() throws Exception {
        RawPeer.talk(server.port(), peer -> {
            peer.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n");
            assertEquals(413, peer.readResponse().status());
        });
        assertLine("127.0.0.1 \"POST /echo HTTP/1.1\" 413 \\d+ \\d+ms \"-\"");
        RawPeer.talk(server.port(), peer -> {
            peer.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
            assertEquals(400, peer.readResponse().status());
        });
        assertLine("127.0.0.1 \"POST /echo HTTP/1.1\" 400 \\d+ \\d+ms \"-\"");
    }

    /**
     * A handler's I/O failure before it answered is answered 500 inside the filters, so the log has the 500 the
     * client got; before, the filters saw the response's 200 and the server answered 500 after them.
     */
    @Test
    void logsTheServers500ToAHandlersIoFailure() throws Exception {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /unreadable HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(500, peer.readResponse().status());
        });
        assertLine("127.0.0.1 \"GET /unreadable HTTP/1.1\" 500 22 \\d+ms \"-\"");
    }

    /**
     * A handler that fails after it committed, while nothing of its response has left the server, is answered 500
     * inside the filters as well, its response taken back: before, the server replaced it after them, and the log said
     * {@code 200 … aborted} where the client got a 500. One partly sent is cut short, and logged as such.
     */
    @Test
    void logsThe500ThatReplacedAResponseCommittedButNotSent() throws Exception {
        for (String target : new String[] {"/short", "/sent"}) {
            RawPeer.talk(server.port(), peer -> {
                peer.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
                RawResponse answer = peer.readResponse();
                assertEquals(500, answer.status());
                assertEquals("internal server error\n", answer.bodyText());
                assertEquals("close", answer.header("Connection").orElseThrow());
                assertTrue(peer.isClosedByPeer(RawPeer.CLOSE_WAIT), "the connection closes after the 500");
            });
            assertLine("127.0.0.1 \"GET " + target + " HTTP/1.1\" 500 22 \\d+ms \"-\"");
        }
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /flushed HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, peer.readResponseHead().status());
        });
        assertLine("127.0.0.1 \"GET /flushed HTTP/1.1\" 200 4 \\d+ms \"-\" aborted");
    }

    @Test
    void escapesWhatAClientControls() throws Exception {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /hello HTTP/1.1\r\nHost: x\r\nUser-Agent: a\"b\\c\td\r\n\r\n");
            assertEquals(200, peer.readResponse().status());
        });
        assertLine("127.0.0.1 \"GET /hello HTTP/1.1\" 200 6 \\d+ms \"a\\\\\"b\\\\\\\\c\\\\x09d\"");
    }

    @Test
    void escapesTheC1ControlsATerminalWouldObey() throws Exception {
        // Byte 0x9b reaches the log as U+009B, CSI: written to a terminal as is, it starts an escape sequence.
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /hello HTTP/1.1\r\nHost: x\r\nUser-Agent: a\u009b2Jb\u0085c\u00e9\r\n\r\n");
            assertEquals(200, peer.readResponse().status());
        });
        assertLine("127.0.0.1 \"GET /hello HTTP/1.1\" 200 6 \\d+ms \"a\\\\x9b2Jb\\\\x85c\u00e9\"");
    }

    /** An IPv6 client is written as people and other servers write it (RFC 5952): ::1, not 0:0:0:0:0:0:0:1. */
    @Test
    void writesAnIpv6ClientInItsShortForm() throws Exception {
        Server dualStack = Server.create(ServerConfig.builder().bindAddress(InetAddress.getByName("::")).port(0)
                .build(), HttpService.builder(Router.builder().get("/hello", (request, response) -> response
                        .send("hello\n")).build()).filter(AccessLog.to(LINES::add)).build()).start();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://[::1]:"
                    + dualStack.port() + "/hello")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
        } finally {
            dualStack.stop(Duration.ZERO);
        }
        assertLine("::1 \"GET /hello HTTP/1.1\" 200 6 \\d+ms \"Java-http-client/.*\"");
    }

    private static void assertLine(String regex) throws InterruptedException {
        String line = LINES.poll(5, TimeUnit.SECONDS);
        assertNotNull(line, "no line logged");
        assertTrue(line.matches(regex), line + " does not match " + regex);
    }
}
