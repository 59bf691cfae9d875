package dev.wisp.bench.peers;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * Java-WebSocket (TooTallNate) echo peer: a {@link WebSocketServer} that sends each message back from its
 * callback. It serves every path, {@code /echo} included.
 *
 * <p>Configuration: one selector thread and its default worker count (one per available processor: one here),
 * {@code TCP_NODELAY} on (its default is off; every other peer has it on), and the lost-connection check off: its
 * default pings every connection each 60 s and closes those that do not answer, which the idle connections of the
 * memory test never do. Unlimited message size, its default.
 */
public final class JavaWebSocketEcho {

    private JavaWebSocketEcho() {
    }

    public static void main(String[] args) throws Exception {
        PeerLauncher.run("java-websocket", args, JavaWebSocketEcho::start);
    }

    static AutoCloseable start(int port) throws InterruptedException {
        EchoServer server = new EchoServer(new InetSocketAddress(Plaintext.HOST, port));
        server.setReuseAddr(true);
        server.setTcpNoDelay(true);
        server.setConnectionLostTimeout(0);
        server.start();
        // start() binds on the server's own thread; onStart, or onError without a connection, says how it went
        if (!server.started.await(10, TimeUnit.SECONDS) || server.startFailure != null) {
            server.stop(1_000);
            throw new IllegalStateException("Java-WebSocket did not start on port " + port, server.startFailure);
        }
        return () -> server.stop(5_000);
    }

    private static final class EchoServer extends WebSocketServer {
        private final CountDownLatch started = new CountDownLatch(1);
        private volatile Exception startFailure;

        EchoServer(InetSocketAddress address) {
            super(address);
        }

        @Override
        public void onMessage(WebSocket connection, String message) {
            connection.send(message);
        }

        @Override
        public void onMessage(WebSocket connection, ByteBuffer message) {
            connection.send(message);
        }

        @Override
        public void onOpen(WebSocket connection, ClientHandshake handshake) {
        }

        @Override
        public void onClose(WebSocket connection, int code, String reason, boolean remote) {
        }

        @Override
        public void onError(WebSocket connection, Exception error) {
            // A broken connection is closed by the server itself; an echo peer has nothing to add. Without a
            // connection, the server itself failed: binding the port, most likely.
            if (connection == null) {
                startFailure = error;
                started.countDown();
            }
        }

        @Override
        public void onStart() {
            started.countDown();
        }
    }
}
