package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ServerResponse#reset()}: over HTTP/1.1 a committed response none of whose bytes left the server is taken
 * back, another goes in its place on a connection that stays open, and the stream handed out for the first fails; once
 * a flush sent some of it, it stays. Over HTTP/2 the head leaves as it is committed, so it is not taken back.
 */
class ResponseResetIT {
    private static final BlockingQueue<String> OUTCOMES = new ArrayBlockingQueue<>(8);
    private static final String GZIP_TEXT = "a line that compresses well enough\n".repeat(40);
    private static Server server;

    @BeforeAll
    static void start() {
        Router router = Router.builder()
                .get("/replaced", (request, response) -> {
                    OutputStream first = response.setHeader("X-Kept", "yes").outputStream();
                    first.write("first".getBytes(StandardCharsets.US_ASCII));
                    boolean reset = response.reset();
                    OUTCOMES.add(reset + " " + response.isCommitted() + " " + writeAgain(first));
                    response.status(202).send("second\n");
                })
                .get("/flushed", (request, response) -> {
                    OutputStream body = response.outputStream();
                    body.write("sent".getBytes(StandardCharsets.US_ASCII));
                    body.flush();
                    OUTCOMES.add(response.reset() + " " + response.isCommitted());
                    body.close();
                })
                .get("/gzip-replaced", (request, response) -> {
                    OutputStream first = response.setHeader("Content-Type", "text/plain").outputStream();
                    first.write(GZIP_TEXT.getBytes(StandardCharsets.US_ASCII));
                    boolean reset = response.reset();
                    OUTCOMES.add(reset + " " + writeAgain(first));
                    response.status(201).send(GZIP_TEXT.toUpperCase(java.util.Locale.ROOT));
                })
                .build();
        server = Server.create(ServerConfig.builder().port(0).http2(true).build(),
                HttpService.builder(router).filter(dev.wisp.server.filters.Compression.gzip()).build()).start();
    }

    /** Writes to a stream handed out before a reset: "written", or why it was refused. */
    private static String writeAgain(OutputStream old) throws java.io.IOException {
        try {
            old.write('!');
            return "written";
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void takesBackAnHttp1ResponseNothingOfWhichWasSent() throws Exception {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /replaced HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponse replaced = peer.readResponse();
            assertEquals(202, replaced.status());
            assertEquals("second\n", replaced.bodyText());
            assertEquals("yes", replaced.header("X-Kept").orElseThrow(), "the fields stay as they were set");
            peer.send("GET /flushed HTTP/1.1\r\nHost: x\r\n\r\n"); // the same connection: nothing of the first left
            RawResponse flushed = peer.readResponse();
            assertEquals(200, flushed.status());
            assertEquals("sent", flushed.bodyText());
        });
        assertEquals("true false the response was taken back (reset) and this stream with it",
                OUTCOMES.poll(5, TimeUnit.SECONDS));
        assertEquals("false true", OUTCOMES.poll(5, TimeUnit.SECONDS));
    }

    /**
     * Behind the Compression filter, the response after a reset is coded afresh: it went out marked gzip with its
     * bytes uncoded, the filter's fields left from the response taken back.
     */
    @Test
    void codesTheResponseAfterAResetAfresh() throws Exception {
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET /gzip-replaced HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
            RawResponse replaced = peer.readResponse();
            assertEquals(201, replaced.status());
            assertEquals("gzip", replaced.header("Content-Encoding").orElseThrow());
            byte[] decoded = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(replaced.body()))
                    .readAllBytes();
            assertEquals(GZIP_TEXT.toUpperCase(java.util.Locale.ROOT), new String(decoded, StandardCharsets.US_ASCII));
        });
        assertEquals("true the response was taken back (reset) and this stream with it",
                OUTCOMES.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void keepsAnHttp2ResponseWhoseHeadLeftAsItWasCommitted() throws Exception {
        String curl = PeerTools.require("curl").toString();
        PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), List.of(curl, "-s", "--http2-prior-knowledge",
                "-w", "%{http_code}", "http://127.0.0.1:" + server.port() + "/flushed"));
        assertEquals("sent200", result.stdout());
        assertEquals("false true", OUTCOMES.poll(5, TimeUnit.SECONDS));
    }
}
