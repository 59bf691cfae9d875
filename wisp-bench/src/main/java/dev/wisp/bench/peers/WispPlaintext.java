package dev.wisp.bench.peers;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Wisp plaintext peer: blocking handler on one virtual thread per connection.
 *
 * <p>Configuration: {@link ServerConfig} defaults, bound to {@code 127.0.0.1}.
 */
public final class WispPlaintext {

    private WispPlaintext() {
    }

    public static void main(String[] args) throws Exception {
        PeerLauncher.run("wisp", args, WispPlaintext::start);
    }

    static AutoCloseable start(int port) throws Exception {
        byte[] body = Plaintext.body();
        Router router = Router.builder()
                .get(Plaintext.PATH, (request, response) -> {
                    response.header("Content-Type", Plaintext.CONTENT_TYPE);
                    response.send(body);
                })
                .build();
        Server server = Server.create(ServerConfig.builder()
                .bindAddress(InetAddress.getByName(Plaintext.HOST))
                .port(port)
                .build(), router);
        server.start();
        return () -> server.stop(Duration.ofSeconds(5));
    }
}
