package dev.wisp.websocket.internal;

import dev.wisp.core.BufferPool;
import dev.wisp.core.WireInput;
import dev.wisp.transport.PlainTransport;
import dev.wisp.transport.TimeoutSweeper;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Two connected loopback sockets, each end a {@link PlainTransport}, and sessions over them, swept every 10 ms.
 * Closing it closes the sockets and stops the sweepers.
 */
final class SocketPair implements AutoCloseable {
    static final BufferPool POOL = new BufferPool(8192, 16);
    private static final long WRITE_TIMEOUT = Duration.ofSeconds(5).toNanos();

    final PlainTransport client;
    final PlainTransport server;
    private final List<TimeoutSweeper> sweepers = new ArrayList<>();

    SocketPair() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel clientChannel = SocketChannel.open(listener.getLocalAddress());
            this.client = PlainTransport.of(clientChannel, WRITE_TIMEOUT);
            this.server = PlainTransport.of(listener.accept(), WRITE_TIMEOUT);
        }
    }

    /** The client end's session; with a listener, its read loop runs on a virtual thread of its own. */
    WebSocketSession clientSession(WebSocketConfig config, Agreement agreement, WebSocketListener listener) {
        return session(1, client, Role.CLIENT, config, agreement, listener);
    }

    /** The server end's session; with a listener, its read loop runs on a virtual thread of its own. */
    WebSocketSession serverSession(WebSocketConfig config, Agreement agreement, WebSocketListener listener) {
        return session(2, server, Role.SERVER, config, agreement, listener);
    }

    private WebSocketSession session(long id, PlainTransport transport, Role role, WebSocketConfig config,
            Agreement agreement, WebSocketListener listener) {
        WebSocketSession session = new WebSocketSession(id, transport, WireInput.of(transport.input(), POOL), POOL,
                role, config, agreement, listener);
        if (listener != null) {
            Thread.ofVirtual().name("wisp-test-ws-" + id).start(session::run);
        }
        sweepers.add(new TimeoutSweeper(session::sweep, Duration.ofMillis(40)).start("wisp-test-sweeper-" + id));
        return session;
    }

    @Override
    public void close() throws IOException {
        sweepers.forEach(TimeoutSweeper::close);
        client.close();
        server.close();
    }
}
