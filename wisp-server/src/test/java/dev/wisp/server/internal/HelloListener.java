package dev.wisp.server.internal;

import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/** A listener on a loopback port that answers {@code GET /hello} over HTTP/1.1: the server's parts, run directly. */
final class HelloListener {
    private HelloListener() {
    }

    /** Binds an ephemeral loopback port, records it in the context and starts accepting on a thread of its own. */
    static Listener start(ServerContext context) throws IOException {
        Router router = Router.builder().get("/hello", (request, response) -> response.send("hello\n")).build();
        ServerSocketChannel channel = ServerSocketChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        context.localAddress((InetSocketAddress) channel.getLocalAddress());
        Listener listener = new Listener(context, channel, new Http1Connections(context, HttpService.of(router)));
        Thread.ofPlatform().daemon().start(listener);
        return listener;
    }
}
