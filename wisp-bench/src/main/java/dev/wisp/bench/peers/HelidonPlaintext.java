package dev.wisp.bench.peers;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;

/**
 * Helidon 4 WebServer plaintext peer: blocking handlers on one virtual thread per connection.
 *
 * <p>Configuration: Helidon's defaults (HTTP/1.1 discovered from the class path, request and response header
 * validation on, Date header on) plus {@code TCP_NODELAY} on accepted sockets, as the other peers have it,
 * and an accept backlog of 1024. No access log feature on the class path.
 */
public final class HelidonPlaintext {
    private static final Header CONTENT_TYPE = HeaderValues.createCached(HeaderNames.CONTENT_TYPE,
            Plaintext.CONTENT_TYPE);

    private HelidonPlaintext() {
    }

    public static void main(String[] args) throws Exception {
        PeerLauncher.run("helidon", args, HelidonPlaintext::start);
    }

    static AutoCloseable start(int port) {
        byte[] body = Plaintext.body();
        WebServer server = WebServer.builder()
                .host(Plaintext.HOST)
                .port(port)
                .backlog(1024)
                .connectionOptions(options -> options.tcpNoDelay(true))
                .routing(routing -> routing.get(Plaintext.PATH, (request, response) -> {
                    response.header(CONTENT_TYPE);
                    response.send(body);
                }))
                .build()
                .start();
        return server::stop;
    }
}
