package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TestTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/2 with nghttp2's {@code nghttp} as the client (Debian's nghttp2-client), asserting on the frames its
 * {@code -v} log shows: the SETTINGS exchange and both acknowledgements, our WINDOW_UPDATEs for the connection and
 * for a stream whose upload outgrows its window, END_STREAM on the last frame of each response, trailers, and ten
 * concurrent streams ({@code -m 10}) on one connection.
 */
class Http2NghttpIT {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path folder;

    @BeforeAll
    static void chooseTheirOwnTransports() {
        assumeFalse(TestTransport.isTls(), "these tests choose TLS or plaintext per server themselves");
    }

    /** Runs {@code nghttp -v --timeout=20} with the arguments; returns its log, which holds the body too. */
    private static String nghttp(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("nghttp").toString(), "-v", "--timeout=20"));
        command.addAll(List.of(arguments));
        PeerTools.Result result = PeerTools.run(RUN_TIMEOUT, command);
        assertEquals(0, result.exitCode(), () -> "nghttp failed: " + result.stderr() + result.stdout());
        String log = result.stdout();
        assertFalse(log.contains("recv RST_STREAM") || log.contains("recv GOAWAY"), () -> "reset or GOAWAY: " + log);
        return log;
    }

    private static int count(String log, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(log);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void exchangesSettingsAndOpensWindowsForAnUpload(boolean tls) throws Exception {
        byte[] upload = new byte[700_000];
        new Random(17).nextBytes(upload);
        Path file = Files.write(folder.resolve("upload"), upload);
        try (InteropServer server = InteropServer.start(tls)) {
            String log = nghttp("-d", file.toString(), server.url("/digest"));
            if (tls) {
                assertTrue(log.contains("The negotiated protocol: h2"), log);
            }
            // Our SETTINGS, as Http2Connections announces them, and the acknowledgements both ways.
            assertTrue(log.contains("""
                    recv SETTINGS frame <length=24, flags=0x00, stream_id=0>
                              (niv=4)
                              [SETTINGS_MAX_CONCURRENT_STREAMS(0x03):100]
                              [SETTINGS_INITIAL_WINDOW_SIZE(0x04):262144]
                              [SETTINGS_MAX_HEADER_LIST_SIZE(0x06):16384]
                              [SETTINGS_ENABLE_CONNECT_PROTOCOL(0x08):1]
                    """), log);
            assertEquals(1, count(log, "recv SETTINGS frame <length=0, flags=0x01, stream_id=0>"), log);
            assertEquals(1, count(log, "send SETTINGS frame <length=0, flags=0x01, stream_id=0>"), log);
            // The connection window raised to 1 MiB in the preface, then given back as the handler read.
            assertTrue(log.contains("""
                    recv WINDOW_UPDATE frame <length=4, flags=0x00, stream_id=0>
                              (window_size_increment=983041)
                    """), log);
            // 700,000 bytes through a 256 KiB stream window: the stream's window came back at least twice.
            assertTrue(count(log, "recv WINDOW_UPDATE frame <length=4, flags=0x00, stream_id=13>") >= 2, log);
            assertTrue(log.contains("700000 " + InteropServer.sha256Hex(upload) + "\n"), log);
            assertEquals(1, count(log, "recv DATA frame <length=72, flags=0x01, stream_id=13>\n +; END_STREAM"), log);
            server.assertAllHttp2(1);
        }
    }

    @Test
    void endsAStreamedResponseWithATrailerFrame() throws Exception {
        try (InteropServer server = InteropServer.start(false)) {
            String log = nghttp("-n", server.url("/streamed"));
            assertTrue(log.contains("recv (stream_id=13) x-lines: 100"), log);
            // The body's DATA frames leave the stream open; the trailers' HEADERS frame ends it.
            assertEquals(0, count(log, "recv DATA frame <length=\\d+, flags=0x01"), log);
            assertEquals(1, count(log, "recv HEADERS frame <length=\\d+, flags=0x05, stream_id=13>\n +"
                    + "; END_STREAM \\| END_HEADERS"), log);
            server.assertAllHttp2(1);
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void answersTenConcurrentStreamsOnOneConnection(boolean tls) throws Exception {
        try (InteropServer server = InteropServer.start(tls)) {
            String log = nghttp("-n", "-m", "10", server.url("/hello"));
            Matcher ends = Pattern.compile("recv DATA frame <length=28, flags=0x01, stream_id=(\\d+)>\n +; END_STREAM")
                    .matcher(log);
            Set<Integer> streams = new TreeSet<>();
            while (ends.find()) {
                streams.add(Integer.parseInt(ends.group(1)));
            }
            assertEquals(10, streams.size(), () -> "streams ended: " + streams + "\n" + log);
            assertEquals(10, count(log, "recv \\(stream_id=\\d+\\) :status: 200"), log);
            server.assertAllHttp2(10);
            assertEquals(1, server.connectionIds().size());
        }
    }

    /**
     * A client whose windows are 1 KiB ({@code -w 10 -W 10}) gives credit back in steps of about 1 KiB, thousands of
     * WINDOW_UPDATEs for a large response: all of them credit the stream it reads, none is a frame without a request.
     * Counting the small ones as such cut it off with GOAWAY ENHANCE_YOUR_CALM after about half a megabyte.
     */
    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void servesAClientWithSmallWindowsAWholeLargeResponse(boolean tls) throws Exception {
        try (InteropServer server = InteropServer.start(tls)) {
            String log = nghttp("-n", "-w", "10", "-W", "10", server.url("/large"));
            assertTrue(count(log, "send WINDOW_UPDATE frame") > 1000, "many small updates sent");
            assertEquals(1, count(log, "recv \\(stream_id=\\d+\\) :status: 200"), log);
            assertTrue(log.contains("; END_STREAM"), "the whole response came");
        }
    }

    @Test
    void answersAnH2cUpgradeRequestInHttp11() throws Exception {
        try (InteropServer server = InteropServer.start(false)) {
            // nghttp -u asks for the deprecated Upgrade: h2c; the server does not take it up and answers in HTTP/1.1,
            // which nghttp prints before it says that the upgrade failed.
            String log = nghttp("-u", server.url("/hello"));
            assertTrue(log.contains("upgrade: h2c"), log);
            assertTrue(log.contains("HTTP Upgrade response\nHTTP/1.1 200 OK\r\n"), log);
            assertTrue(log.contains("\r\n\r\nhello over HTTP/1.1 on HTTP/1.1\n"), log);
            List<InteropServer.Seen> seen = server.seen();
            assertEquals(1, seen.size());
            assertEquals(ConnectionProtocol.HTTP_1_1, seen.get(0).connectionProtocol());
        }
    }
}
