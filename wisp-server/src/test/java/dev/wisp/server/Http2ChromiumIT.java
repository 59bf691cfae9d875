package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.server.files.FileHandler;
import dev.wisp.testing.HeadlessChromium;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TestTransport;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Headless Chromium loads a page over HTTPS from a server with HTTP/2 on: the page, its stylesheet, script and image,
 * and five requests its script makes at once all come over h2, as the server records and as the page's own Resource
 * Timing entries ({@code nextHopProtocol}) report back; a page's {@code new WebSocket('wss://...')} goes over the
 * same h2 connection as an extended CONNECT (RFC 8441); a media element that seeks far past what it loaded asks for
 * a range from there, on the same connection. The test CA is not in Chromium's store, so Chromium runs with
 * {@code --ignore-certificate-errors}: what is tested is the protocol, not the certificate.
 */
// A browser that mostly starts and loads: it runs beside the other classes, on a server of its own.
@Execution(ExecutionMode.CONCURRENT)
class Http2ChromiumIT {
    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static final String PAGE = """
            <!doctype html>
            <meta charset="utf-8">
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="/style.css">
            <script src="/app.js"></script>
            <img src="/dot.svg" alt="dot">
            """;
    private static final String SCRIPT = """
            window.addEventListener('load', async () => {
              const texts = await Promise.all([1, 2, 3, 4, 5].map(i => fetch('/hello?i=' + i).then(r => r.text())));
              const lines = ['navigation ' + performance.getEntriesByType('navigation')[0].nextHopProtocol];
              for (const entry of performance.getEntriesByType('resource')) {
                lines.push(new URL(entry.name).pathname + ' ' + entry.nextHopProtocol);
              }
              lines.push('texts ' + new Set(texts).size + ' ' + texts[0].trim());
              await fetch('/report', {method: 'POST', body: lines.join('\\n')});
            });
            """;

    private static final String WEBSOCKET_PAGE = """
            <!doctype html>
            <meta charset="utf-8">
            <link rel="icon" href="data:,">
            <script>
              const socket = new WebSocket('wss://' + location.host + '/ws/echo');
              let echo = '';
              socket.onopen = () => socket.send('hello from chromium');
              socket.onmessage = event => { echo = event.data; socket.close(1000); };
              socket.onclose = event => fetch('/report', {method: 'POST', body: echo + '|closed ' + event.code});
            </script>
            """;

    /**
     * An audio element that loads only its file's start, then seeks to four fifths of it and says where it got: the
     * seek lies far past what was loaded, so Chromium asks for a range from there, as a video player does.
     */
    private static final String MEDIA_PAGE = """
            <!doctype html>
            <meta charset="utf-8">
            <link rel="icon" href="data:,">
            <audio id="player" src="/media/tone.wav" preload="metadata" muted></audio>
            <script>
              const player = document.getElementById('player');
              const report = text => fetch('/report', {method: 'POST', body: text});
              player.addEventListener('loadedmetadata', () => { player.currentTime = player.duration * 0.8; });
              player.addEventListener('seeked', () => report('seeked ' + Math.round(player.currentTime) + ' of '
                  + Math.round(player.duration)));
              player.addEventListener('error', () => report('error ' + (player.error && player.error.code)));
            </script>
            """;
    private static final int MEDIA_SECONDS = 120;
    /** 16-bit stereo at 48 kHz. */
    private static final int MEDIA_BYTES_PER_SECOND = 48_000 * 2 * 2;

    @TempDir
    Path directory;

    @BeforeAll
    static void chooseTheirOwnTransports() {
        assumeFalse(TestTransport.isTls(), "these tests choose TLS or plaintext per server themselves");
    }

    @Test
    void loadsAPageAndItsResourcesOverH2() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.require("chromium");
            BlockingQueue<String> reports = new ArrayBlockingQueue<>(4);
            Router.Builder routes = Router.builder()
                    .get("/page.html", (request, response) -> response
                            .header("Content-Type", "text/html; charset=utf-8").send(PAGE))
                    .get("/style.css", (request, response) -> response
                            .header("Content-Type", "text/css").send("img { width: 8px; }\n"))
                    .get("/app.js", (request, response) -> response
                            .header("Content-Type", "text/javascript").send(SCRIPT))
                    .get("/dot.svg", (request, response) -> response.header("Content-Type", "image/svg+xml")
                            .send("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\">"
                                    + "<circle cx=\"4\" cy=\"4\" r=\"4\"/></svg>"))
                    .post("/report", reportInto(reports));
            try (InteropServer server = InteropServer.start(true, routes)) {
                String report = reportOf(server, "/page.html", reports);
                List<String> lines = report.lines().sorted().toList();
                assertEquals(List.of("/app.js h2", "/dot.svg h2", "/hello h2", "/hello h2", "/hello h2",
                        "/hello h2", "/hello h2", "/style.css h2", "navigation h2",
                        "texts 1 hello over HTTP/2 on HTTP/2"), lines, report);
                Set<String> paths = server.seen().stream().map(InteropServer.Seen::path)
                        .collect(Collectors.toCollection(TreeSet::new));
                assertEquals(Set.of("/page.html", "/style.css", "/app.js", "/dot.svg", "/hello", "/report"), paths);
                assertTrue(server.seen().stream().allMatch(InteropServer.Seen::isHttp2), () -> "seen: "
                        + server.seen());
                assertEquals(1, server.connectionIds().size(), () -> "one connection: " + server.seen());
            }
        });
    }

    @Test
    void opensAWebSocketOverTheSameH2Connection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.require("chromium");
            BlockingQueue<String> reports = new ArrayBlockingQueue<>(4);
            BlockingQueue<String> opened = new ArrayBlockingQueue<>(4);
            Router.Builder routes = Router.builder()
                    .get("/ws.html", (request, response) -> response
                            .header("Content-Type", "text/html; charset=utf-8").send(WEBSOCKET_PAGE))
                    .webSocket("/ws/echo", WebSocketConfig.defaults(), request -> {
                        opened.add(request.protocol() + " " + request.method() + " " + request.connection().id());
                        return new WebSocketListener() {
                            @Override
                            public void onText(WebSocket webSocket, String text) throws IOException {
                                webSocket.sendText("echo " + text);
                            }
                        };
                    })
                    .post("/report", reportInto(reports));
            try (InteropServer server = InteropServer.start(true, routes)) {
                assertEquals("echo hello from chromium|closed 1000", reportOf(server, "/ws.html", reports));
                long pageConnection = server.seen().get(0).connectionId();
                // RFC 8441: Chromium sent an extended CONNECT on the page's own h2 connection.
                assertEquals("HTTP/2 CONNECT " + pageConnection, opened.poll());
                assertEquals(1, server.connectionIds().size(), () -> "one connection: " + server.seen());
            }
        });
    }

    @Test
    void seeksInAMediaFileOverH2() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.require("chromium");
            Path media = Files.createDirectory(directory.resolve("media"));
            Files.write(media.resolve("tone.wav"), wave(MEDIA_SECONDS));
            FileHandler files = FileHandler.of(media);
            BlockingQueue<String> reports = new ArrayBlockingQueue<>(4);
            List<String> ranges = new CopyOnWriteArrayList<>();
            Router.Builder routes = Router.builder()
                    .get("/media.html", (request, response) -> response
                            .header("Content-Type", "text/html; charset=utf-8").send(MEDIA_PAGE))
                    .get("/media/*", (request, response) -> {
                        ranges.add(request.protocol() + " " + request.headers().firstOrNull("Range"));
                        files.handle(request, response);
                    })
                    .post("/report", reportInto(reports));
            try (InteropServer server = InteropServer.start(true, routes)) {
                assertEquals("seeked " + MEDIA_SECONDS * 4 / 5 + " of " + MEDIA_SECONDS,
                        reportOf(server, "/media.html", reports), ranges::toString);
                assertTrue(ranges.stream().allMatch(range -> range.startsWith("HTTP/2 bytes=")), ranges::toString);
                long seekedTo = 44L + (long) MEDIA_SECONDS * 4 / 5 * MEDIA_BYTES_PER_SECOND;
                assertTrue(ranges.stream().anyMatch(range -> rangeStart(range) > seekedTo / 2), () -> "no range"
                        + " asked from near the seek's position (byte " + seekedTo + "): " + ranges);
                assertEquals(1, server.connectionIds().size(), () -> "one connection: " + server.seen());
            }
        });
    }

    /** The first byte of an open range as the test records it ("HTTP/2 bytes=123-"), or -1. */
    private static long rangeStart(String range) {
        int from = range.indexOf("bytes=") + "bytes=".length();
        int dash = range.indexOf('-', from);
        return from < "bytes=".length() || dash < 0 ? -1 : Long.parseLong(range.substring(from, dash));
    }

    /** A WAV file of silence, 16-bit stereo PCM at 48 kHz: a media file any browser plays, made without a tool. */
    private static byte[] wave(int seconds) {
        int data = seconds * MEDIA_BYTES_PER_SECOND;
        ByteBuffer wav = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data);
        wav.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 2)
                .putInt(48_000).putInt(MEDIA_BYTES_PER_SECOND).putShort((short) 4).putShort((short) 16);
        wav.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data);
        return wav.array();
    }

    /** The route a page posts its report to. */
    private static Handler reportInto(BlockingQueue<String> reports) {
        return (request, response) -> {
            reports.add(request.bodyText());
            response.send("thanks\n");
        };
    }

    /** Opens the page of the server in Chromium and returns the first report it posts, within 60 s. */
    private String reportOf(InteropServer server, String page, BlockingQueue<String> reports)
            throws IOException, InterruptedException {
        try (HeadlessChromium browser = HeadlessChromium.open(directory, "https://127.0.0.1:" + server.port() + page,
                "--ignore-certificate-errors")) {
            String report = reports.poll(60, TimeUnit.SECONDS);
            assertNotNull(report, () -> "no report; chromium said: " + browser.log());
            return report;
        }
    }
}
