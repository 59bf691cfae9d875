package dev.wisp.bench.peers;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * Jetty 12 WebSocket echo peer on its core (non-servlet) WebSocket API: a {@link WebSocketUpgradeHandler} maps
 * {@code /echo} to an auto-demanding {@link Session.Listener} that sends each message back; a binary message is
 * sent from the buffer it arrived in, and Jetty reads the next frame once that send is done.
 *
 * <p>Configuration: the plaintext peer's connector (no acceptor thread, one selector, the default thread pool);
 * WebSocket idle timeout raised from 30 s to 10 minutes, so the memory test's idle connections stay open as long
 * as with the other peers, and message limits raised from 64 KiB to 1 MiB, like the others'.
 */
public final class JettyWebSocketEcho {
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);

    private JettyWebSocketEcho() {
    }

    public static void main(String[] args) throws Exception {
        PeerLauncher.run("jetty-websocket", args, JettyWebSocketEcho::start);
    }

    static AutoCloseable start(int port) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, 0, 1,
                new HttpConnectionFactory(new HttpConfiguration()));
        connector.setHost(Plaintext.HOST);
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setIdleTimeout(IDLE_TIMEOUT);
            container.setMaxTextMessageSize(WebSocketEcho.MAX_MESSAGE_BYTES);
            container.setMaxBinaryMessageSize(WebSocketEcho.MAX_MESSAGE_BYTES);
            container.addMapping(WebSocketEcho.PATH, (request, response, callback) -> new EchoListener());
        }));
        server.start();
        return server::stop;
    }

    /**
     * One per connection; Jetty calls it from one thread at a time. Public because Jetty finds and calls its
     * methods through method handles.
     */
    public static final class EchoListener implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String text) {
            session.sendText(text, Callback.NOOP);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            session.sendBinary(payload, callback);
        }
    }
}
