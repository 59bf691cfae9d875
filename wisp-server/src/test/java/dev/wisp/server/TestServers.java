package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import dev.wisp.testing.TestTransport;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** Starts servers for socket tests: loopback, an ephemeral port, and the routes most tests need. */
final class TestServers {
    /** The most any socket test may take; {@code assertTimeoutPreemptively} fails it after that. */
    static final Duration TEST_TIMEOUT = RawPeer.CONVERSATION_LIMIT;

    /** How long a test waits for the server to close a connection it should close at once. */
    static final Duration CLOSE_WAIT = RawPeer.CLOSE_WAIT;

    private TestServers() {
    }

    /**
     * Waits until the server's connections, as its sweeper sees them ({@link Server#describeConnections()}), are
     * as the condition wants; fails with what they are if they are not within this time.
     */
    static void awaitDescribed(Server server, Predicate<String> condition, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.test(server.describeConnections())) {
            assertTrue(System.nanoTime() < deadline, server.describeConnections());
            Thread.sleep(1);
        }
    }

    /**
     * Waits until the server counts no connection: it closes its side after the client's, and there is nothing to
     * wait on, so this polls, for 5 s at most.
     */
    static void awaitNoConnections(Server server) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.connectionCount() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertEquals(0, server.connectionCount(), "connections left open");
    }

    /** A configuration for an ephemeral port on the loopback address, to adjust before starting. */
    static ServerConfig.Builder config() {
        return ServerConfig.builder().port(0);
    }

    /** A started server with the library's WebSocket echo ({@link WebSocketListener#echo()}) at {@code /ws}. */
    static Server startWebSocketEcho(WebSocketConfig config) {
        return start(Router.builder().webSocket("/ws", config, request -> WebSocketListener.echo()).build());
    }

    static Server start(Router router) {
        return start(config(), router);
    }

    /** Starts on an ephemeral port; over TLS with the test certificate in a run that tests TLS. */
    static Server start(ServerConfig.Builder config, Router router) {
        if (TestTransport.isTls() && config.build().tls().isEmpty()) {
            config.tls(TestTls.server().build());
        }
        return Server.create(config.port(0).build(), router).start();
    }

    /** Starts a service on an ephemeral port; over TLS in a run that tests TLS. */
    static Server start(ServerConfig.Builder config, HttpService service) {
        if (TestTransport.isTls() && config.build().tls().isEmpty()) {
            config.tls(TestTls.server().build());
        }
        return Server.create(config.port(0).build(), service).start();
    }

    /**
     * Sends one request on a connection of its own and reads the response (only its head for HEAD), within
     * {@link #TEST_TIMEOUT}.
     */
    static RawResponse exchange(Server server, String request) {
        RawResponse[] response = new RawResponse[1];
        RawPeer.talk(server.port(), peer -> {
            peer.send(request);
            response[0] = request.startsWith("HEAD ") ? peer.readResponseHead() : peer.readResponse();
        });
        return response[0];
    }

    /** GET /hello answers "hello"; POST /echo reads the whole body and sends it back. */
    static Router helloAndEcho() {
        return Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                .build();
    }
}
