package dev.wisp.bench.peers;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Wisp WebSocket echo peer: a {@code Router.webSocket} route whose listener ({@code WebSocketListener.echo()}) sends
 * each message back from the connection's own virtual thread.
 *
 * <p>Configuration: {@link ServerConfig} and {@link WebSocketConfig} defaults (1 MiB messages, no idle ping, no
 * timeout while idle), bound to {@code 127.0.0.1}, with permessage-deflate accepted when offered (the load client
 * never offers it; the idle-memory test does, once). It answers {@code GET /plaintext} as the plaintext peer does,
 * so the idle-memory test can hold HTTP/1.1 keep-alive connections on the same server, for comparison. HTTP/2 is on
 * (h2c with prior knowledge beside HTTP/1.1), for WebSockets over HTTP/2 (RFC 8441) in the idle-memory test.
 */
public final class WispWebSocketEcho {

    private WispWebSocketEcho() {
    }

    public static void main(String[] args) throws Exception {
        PeerLauncher.run("wisp-websocket", args, WispWebSocketEcho::start);
    }

    static AutoCloseable start(int port) throws Exception {
        byte[] body = Plaintext.body();
        Router router = Router.builder()
                .get(Plaintext.PATH, (request, response) -> {
                    response.header("Content-Type", Plaintext.CONTENT_TYPE);
                    response.send(body);
                })
                .webSocket(WebSocketEcho.PATH, WebSocketConfig.builder().permessageDeflate(true).build(),
                        request -> WebSocketListener.echo())
                .build();
        Server server = Server.create(ServerConfig.builder()
                .bindAddress(InetAddress.getByName(Plaintext.HOST))
                .port(port)
                .http2(true)
                .build(), router);
        server.start();
        return () -> server.stop(Duration.ofSeconds(5));
    }
}
