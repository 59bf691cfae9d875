package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.ServerSentEvent;
import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client's {@link EventSource} against a server of node's {@code http} module ({@code node/sse-peer.js}): a
 * stream that node drops in the middle of an event, a 204, a response that is no event stream, and every line end.
 */
class EventSourceNodeIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static PeerProcess node;
    private static int port;
    private static Client client;

    @BeforeAll
    static void startNode() throws Exception {
        String script = Path.of(EventSourceNodeIT.class.getResource("/node/sse-peer.js").toURI()).toString();
        node = PeerProcess.start(List.of(PeerTools.require("node").toString(), script), Map.of(), "listening on ",
                Duration.ofSeconds(20));
        String ready = node.output().seen().stream().filter(line -> line.startsWith("listening on ")).findFirst()
                .orElseThrow();
        port = Integer.parseInt(ready.substring("listening on ".length()).trim());
        client = Client.create(ClientConfig.builder().readTimeout(Duration.ofSeconds(5)).build());
    }

    @AfterAll
    static void stopNode() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Test
    void goesOnAfterADroppedStreamFromTheLastIdDroppingTheHalfEvent() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (EventSource events = client.eventSource(url("/events"))) {
                assertEquals(Optional.of(new ServerSentEvent(null, "one", "1")), events.next());
                assertEquals(Optional.of(new ServerSentEvent("update", "two\nlines", "2")), events.next());
                long dropped = System.nanoTime();
                assertEquals(Optional.of(new ServerSentEvent("done", "after 2 text/event-stream", "2")),
                        events.next());
                assertTrue(System.nanoTime() - dropped >= Duration.ofMillis(80).toNanos(),
                        "reconnected sooner than the stream's retry of 100 ms, give or take the jitter");
                assertEquals("2", events.lastEventId());
            }
        });
    }

    @Test
    void endsQuietlyOnA204() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (EventSource events = client.eventSource(url("/gone"))) {
                assertEquals(Optional.empty(), events.next());
                assertEquals(Optional.empty(), events.next());
            }
        });
    }

    @Test
    void refusesAResponseThatIsNoEventStream() {
        assertTimeoutPreemptively(LIMIT, () -> {
            EventSourceRefusedException refused = assertThrows(EventSourceRefusedException.class,
                    () -> client.eventSource(url("/json")));
            assertEquals(200, refused.status().code());
            assertEquals("event stream " + url("/json") + " refused: 200 OK, Content-Type application/json"
                    + " ({\"events\": false})", refused.getMessage());
            EventSourceRefusedException missing = assertThrows(EventSourceRefusedException.class,
                    () -> client.eventSource(url("/missing")));
            assertEquals(404, missing.status().code());
        });
    }

    @Test
    void readsCrLfAndLoneCrLineEndsAndDropsTheBom() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (EventSource events = client.eventSource(url("/crlf"))) {
                assertEquals(Optional.of(ServerSentEvent.of("a\nb")), events.next());
                assertEquals(Optional.of(new ServerSentEvent(null, "c", "9")), events.next());
            }
        });
    }
}
