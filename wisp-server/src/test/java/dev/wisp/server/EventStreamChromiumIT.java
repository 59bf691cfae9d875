package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.core.ServerSentEvent;
import dev.wisp.server.sse.EventStream;
import dev.wisp.server.sse.EventStreamConfig;
import dev.wisp.testing.HeadlessChromium;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TestTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Headless Chromium's {@code EventSource} reads an {@link EventStream}, over HTTP/1.1 in plaintext and over h2 with
 * TLS: typed and multi-line events with ids, then, when the stream ends, it connects again after the {@code retry}
 * the stream set and sends the last id it received in {@code Last-Event-ID}, and the stream goes on from there.
 */
// A browser that mostly starts and loads: it runs beside the other classes, on a server of its own.
@Execution(ExecutionMode.CONCURRENT)
class EventStreamChromiumIT {
    private static final Duration LIMIT = Duration.ofSeconds(90);
    private static final String PAGE = """
            <!doctype html>
            <meta charset="utf-8">
            <link rel="icon" href="data:,">
            <script>
              const log = [];
              const source = new EventSource('/events');
              source.onopen = () => log.push('open');
              source.onmessage = event => log.push('message ' + event.data + ' #' + event.lastEventId);
              source.addEventListener('done', event => {
                log.push('done ' + JSON.stringify(event.data) + ' #' + event.lastEventId);
                source.close();
                fetch('/report', {method: 'POST', body: log.join('\\n')});
              });
            </script>
            """;

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void chromiumReadsTheEventsAndReconnectsWithTheLastId(boolean h2OverTls) {
        assumeFalse(TestTransport.isTls(), "the test chooses TLS or plaintext itself");
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.require("chromium");
            BlockingQueue<String> reports = new ArrayBlockingQueue<>(4);
            BlockingQueue<String> streams = new ArrayBlockingQueue<>(8);
            EventStreamConfig config = EventStreamConfig.builder().retry(Duration.ofMillis(200))
                    .heartbeatInterval(Duration.ofMillis(100)).build();
            Router.Builder routes = Router.builder()
                    .get("/page.html", (request, response) -> response
                            .header("Content-Type", "text/html; charset=utf-8").send(PAGE))
                    .get("/events", (request, response) -> {
                        try (EventStream events = EventStream.open(request, response, config)) {
                            String last = events.lastEventId().orElse("none");
                            streams.add(request.protocol() + " after " + last);
                            if (last.equals("none")) {
                                events.send(ServerSentEvent.of("one").withId("1"));
                                events.send(ServerSentEvent.of("two\nlines").withId("2"));
                                events.send(ServerSentEvent.of("ignored", "not listened to"));
                            } else {
                                events.send(ServerSentEvent.of("done", "résumé ✓\n" + last).withId("3"));
                                events.awaitClosed();
                            }
                        }
                    })
                    .post("/report", (request, response) -> {
                        reports.add(request.bodyText());
                        response.send("thanks\n");
                    });
            try (InteropServer server = InteropServer.start(h2OverTls, routes)) {
                String page = (h2OverTls ? "https" : "http") + "://127.0.0.1:" + server.port() + "/page.html";
                try (HeadlessChromium browser = HeadlessChromium.open(directory, page,
                        "--ignore-certificate-errors")) {
                    String report = reports.poll(60, TimeUnit.SECONDS);
                    assertNotNull(report, () -> "no report; chromium said: " + browser.log());
                    assertEquals(List.of("open", "message one #1", "message two\nlines #2", "open",
                            "done \"résumé ✓\\n2\" #3"), List.of(report.split("\n(?=open|message|done)")), report);
                }
                String protocol = h2OverTls ? "HTTP/2" : "HTTP/1.1";
                assertEquals(protocol + " after none", streams.poll(5, TimeUnit.SECONDS));
                assertEquals(protocol + " after 2", streams.poll(5, TimeUnit.SECONDS));
            }
        });
    }
}
