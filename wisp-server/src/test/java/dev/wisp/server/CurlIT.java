package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerTools;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * curl as a real client: connection reuse, form and binary uploads, chunked uploads, 100-continue, HTTP/1.0, a
 * refused WebSocket offer.
 */
class CurlIT {
    private static final int BIG_BODY = 2 * 1024 * 1024;

    private final ConnectionEvents events = new ConnectionEvents();
    private Server server;

    @TempDir
    Path files;

    @BeforeEach
    void start() {
        server = TestServers.start(TestServers.config()
                        .maxRequestBodyBytes(4 * 1024 * 1024)
                        .connectionListener(events),
                Router.builder()
                        .get("/{name}", (request, response) ->
                                response.send(request.pathParameter("name").orElseThrow() + "\n"))
                        .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                        .post("/describe", (request, response) -> {
                            byte[] body = request.bodyBytes();
                            CRC32 crc = new CRC32();
                            crc.update(body);
                            response.send(request.headers().firstOrNull("Transfer-Encoding") + " "
                                    + body.length + " " + Long.toHexString(crc.getValue()) + "\n");
                        })
                        .post("/refuse", (request, response) -> response.status(403).send("no thanks\n"))
                        .webSocket("/ws/chat", WebSocketConfig.builder().subprotocols(List.of("chat")).build(),
                                request -> new WebSocketListener() { })
                        .build());
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    @Test
    void reusesOneConnectionForTwoUrls() throws Exception {
        assertEquals("first\nsecond\n", TestCurl.run(url("/first"), url("/second")).stdout());
        assertEquals("peer closed", events.awaitClosed().reason());
        assertEquals(1, events.opened().size(), "both requests on one connection");
    }

    @Test
    void postsAForm() throws Exception {
        assertEquals("name=wisp&kind=server",
                TestCurl.run("-d", "name=wisp", "-d", "kind=server", url("/echo")).stdout());
    }

    @Test
    void uploadsAFileChunked() throws Exception {
        Path file = randomFile(300_000);
        assertEquals("chunked 300000 " + crc(file) + "\n", TestCurl.run("--data-binary", "@" + file,
                "-H", "Transfer-Encoding: chunked", url("/describe")).stdout());
    }

    @Test
    void uploadsALargeBodyAfter100Continue() throws Exception {
        Path file = randomFile(BIG_BODY);
        // Without a 100, curl would wait the whole expect timeout before sending; the run would time out.
        PeerTools.Result result = TestCurl.run("-v", "--expect100-timeout", "60", "-H", "Expect: 100-continue",
                "--data-binary", "@" + file, url("/describe"));
        assertEquals("null " + BIG_BODY + " " + crc(file) + "\n", result.stdout());
        assertTrue(result.stderr().contains("< HTTP/1.1 100 Continue"), result.stderr());
    }

    @Test
    void getsTheFinalStatusWithoutSendingARefusedBody() throws Exception {
        Path file = randomFile(BIG_BODY);
        PeerTools.Result result = TestCurl.run("-v", "--expect100-timeout", "60", "-H", "Expect: 100-continue",
                "--data-binary", "@" + file, "-w", "%{http_code}", url("/refuse"));
        assertEquals("no thanks\n403", result.stdout());
        assertTrue(!result.stderr().contains("100 Continue"), result.stderr());
    }

    @Test
    void getsA413ForABodyPastTheLimit() throws Exception {
        Path file = randomFile(4 * 1024 * 1024 + 1);
        PeerTools.Result result = TestCurl.run("--data-binary", "@" + file, "-w", "%{http_code}", url("/echo"));
        assertTrue(result.stdout().endsWith("413"), result.stdout());
    }

    @Test
    void speaksHttp10() throws Exception {
        PeerTools.Result result = TestCurl.run("--http1.0", "-i", url("/old"));
        assertTrue(result.stdout().startsWith("HTTP/1.1 200 OK\r\n"), result.stdout());
        assertTrue(result.stdout().contains("\r\nConnection: close\r\n"), result.stdout());
        assertTrue(result.stdout().endsWith("\r\n\r\nold\n"), result.stdout());
        assertEquals("hello", TestCurl.run("--http1.0", "-d", "hello", url("/echo")).stdout());
    }

    @Test
    void getsA400ForAWebSocketOfferThatNamesASubprotocolTwice() throws Exception {
        // RFC 6455 §4.1: the offered subprotocols must all be unique; node's ws refuses such an offer with 400 too.
        PeerTools.Result result = TestCurl.run("-i", "-H", "Connection: Upgrade", "-H", "Upgrade: websocket",
                "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                "-H", "Sec-WebSocket-Protocol: chat, superchat, chat", url("/ws/chat"));
        assertTrue(result.stdout().startsWith("HTTP/1.1 400 "), result.stdout());
        assertTrue(result.stdout().contains("Sec-WebSocket-Protocol offers the subprotocol 'chat' more than once"),
                result.stdout());
    }

    private Path randomFile(int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(files.resolve("body-" + size), bytes);
    }

    private static String crc(Path file) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(Files.readAllBytes(file));
        return Long.toHexString(crc.getValue());
    }
}
