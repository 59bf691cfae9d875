package dev.wisp.bench.peers;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.handlers.sse.ServerSentEventHandler;

/**
 * Undertow peer of {@code event-streams.sh}: {@code GET /events} is a server-sent event stream (Undertow's
 * {@link ServerSentEventHandler}, asynchronous: no thread per stream) that sends one event and stays open, with a
 * heartbeat every 15 s as Wisp's. Otherwise as {@link UndertowPlaintext}.
 */
public final class UndertowEvents {
    private static final long HEARTBEAT_MILLIS = 15_000;

    private UndertowEvents() {
    }

    public static void main(String[] args) throws Exception {
        PeerLauncher.run("undertow-events", args, UndertowEvents::start);
    }

    static AutoCloseable start(int port) {
        ServerSentEventHandler events = Handlers.serverSentEvents((connection, lastEventId) -> {
            connection.setKeepAliveTime(HEARTBEAT_MILLIS);
            connection.send("hello");
        });
        Undertow server = Undertow.builder()
                .addHttpListener(port, Plaintext.HOST)
                .setIoThreads(1)
                .setWorkerThreads(1)
                .setHandler(Handlers.path().addExactPath("/events", events))
                .build();
        server.start();
        return server::stop;
    }
}
