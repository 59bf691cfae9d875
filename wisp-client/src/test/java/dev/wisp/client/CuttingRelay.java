package dev.wisp.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on loopback to a server's port that ends each of its first connections after so many bytes from the
 * server, closing both sides: a link that drops in the middle of a download. Later connections pass whole.
 */
final class CuttingRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final int upstreamPort;
    private final long cutAfter;
    private final int cuts;
    private final AtomicInteger connections = new AtomicInteger();

    private CuttingRelay(ServerSocket listener, int upstreamPort, long cutAfter, int cuts) {
        this.listener = listener;
        this.upstreamPort = upstreamPort;
        this.cutAfter = cutAfter;
        this.cuts = cuts;
    }

    /** Relays to the port, cutting the first {@code cuts} connections after {@code cutAfter} bytes of the server's. */
    static CuttingRelay start(int upstreamPort, long cutAfter, int cuts) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        CuttingRelay relay = new CuttingRelay(listener, upstreamPort, cutAfter, cuts);
        Thread.ofPlatform().daemon().name("cutting-relay").start(relay::accept);
        return relay;
    }

    int port() {
        return listener.getLocalPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** The connections relayed so far. */
    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5_000);
                long limit = connections.getAndIncrement() < cuts ? cutAfter : Long.MAX_VALUE;
                Thread.ofVirtual().start(() -> pump(client, server, Long.MAX_VALUE));
                Thread.ofVirtual().start(() -> pump(server, client, limit));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Copies from one socket to the other up to the limit, then closes both. */
    private static void pump(Socket from, Socket to, long limit) {
        byte[] buffer = new byte[16 * 1024];
        long left = limit;
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        } catch (IOException e) {
            // one side closed: both go
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
