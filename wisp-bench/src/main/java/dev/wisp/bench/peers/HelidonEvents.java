package dev.wisp.bench.peers;

import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.sse.SseSink;
import java.util.concurrent.CountDownLatch;

/**
 * Helidon SE peer of {@code event-streams.sh}: {@code GET /events} is a server-sent event stream (Helidon's
 * {@link SseSink}, on the request's virtual thread as Wisp's {@code EventStream} is) that sends one event and stays
 * open until the server stops. Otherwise as {@link HelidonPlaintext}.
 */
public final class HelidonEvents {
    private HelidonEvents() {
    }

    public static void main(String[] args) throws Exception {
        PeerLauncher.run("helidon-events", args, HelidonEvents::start);
    }

    static AutoCloseable start(int port) {
        CountDownLatch stopped = new CountDownLatch(1);
        WebServer server = WebServer.builder()
                .host(Plaintext.HOST)
                .port(port)
                .backlog(1024)
                .routing(routing -> routing.get("/events", (request, response) -> {
                    try (SseSink sink = response.sink(SseSink.TYPE)) {
                        sink.emit(SseEvent.create("hello"));
                        stopped.await();
                    }
                }))
                .build()
                .start();
        return () -> {
            stopped.countDown();
            server.stop();
        };
    }
}
