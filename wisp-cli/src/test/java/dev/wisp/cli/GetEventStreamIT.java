package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.ServerSentEvent;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.sse.EventStream;
import dev.wisp.testing.PeerTools;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code wisp get -N} on an event stream, as {@code curl -N}: each event is written out as it arrives, while the
 * server still waits to send the next, and the whole output is curl's.
 */
class GetEventStreamIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void writesEachEventAsItArrivesAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            CountDownLatch[] firstRead = {new CountDownLatch(1)};
            Router router = Router.builder().get("/events", (request, response) -> {
                try (EventStream events = EventStream.open(request, response)) {
                    events.send(ServerSentEvent.of("tick", "one").withId("1"));
                    try {
                        firstRead[0].await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    events.send(ServerSentEvent.of("two\nlines"));
                }
            }).build();
            Server server = Server.create(ServerConfig.builder().port(0).build(), router).start();
            try {
                String url = "http://127.0.0.1:" + server.port() + "/events";
                PipedInputStream piped = new PipedInputStream(64 * 1024);
                PrintStream out = new PrintStream(new PipedOutputStream(piped), true, StandardCharsets.UTF_8);
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
                    try (out) {
                        return Main.run(List.of("get", "-N", url), out,
                                new PrintStream(err, true, StandardCharsets.UTF_8));
                    }
                });
                BufferedReader lines = new BufferedReader(new InputStreamReader(piped, StandardCharsets.UTF_8));
                StringBuilder printed = new StringBuilder();
                for (String line = lines.readLine(); !line.equals("data: one"); line = lines.readLine()) {
                    printed.append(line).append('\n');
                }
                printed.append("data: one\n");
                firstRead[0].countDown(); // the first event was out while the server held back the second
                for (String line; (line = lines.readLine()) != null; ) {
                    printed.append(line).append('\n');
                }
                assertEquals(0, run.get(10, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));

                firstRead[0] = new CountDownLatch(0);
                PeerTools.Result curl = PeerTools.run(TIMEOUT,
                        List.of(PeerTools.require("curl").toString(), "-sN", url));
                assertEquals(0, curl.exitCode(), curl.stderr());
                assertEquals(curl.stdout(), printed.toString());
                assertTrue(printed.toString().contains("data: two\ndata: lines\n"), printed::toString);
            } finally {
                server.stop(Duration.ZERO);
            }
        });
    }
}
