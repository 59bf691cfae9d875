package dev.wisp.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP listener that never answers a connection attempt: its accept queue (backlog 1) is filled by
 * connections nobody accepts, and Linux then drops further SYNs, so a client's connect waits until its own timeout.
 * The way to test a connect timeout without leaving loopback.
 *
 * <p>Not thread-safe; {@link #close()} closes the listener and the connections that fill it.
 */
public final class BlackHoleListener implements AutoCloseable {
    /** How many connections at most are tried before giving up on filling the queue. */
    private static final int MAX_FILLERS = 16;
    /** How long a filling connect may wait before the queue counts as full. */
    private static final int FULL_AFTER_MILLIS = 300;

    private final ServerSocket listener;
    private final List<Socket> fillers = new ArrayList<>();

    private BlackHoleListener(ServerSocket listener) {
        this.listener = listener;
    }

    /** A black hole on this loopback address and an ephemeral port. */
    public static BlackHoleListener open(InetAddress address) throws IOException {
        return open(address, 0);
    }

    /**
     * A black hole on this loopback address and port (0 for an ephemeral one).
     *
     * @throws IOException if the queue does not fill within 16 connections (the platform does not drop SYNs)
     */
    public static BlackHoleListener open(InetAddress address, int port) throws IOException {
        ServerSocket listener = new ServerSocket();
        BlackHoleListener made = new BlackHoleListener(listener);
        try {
            listener.bind(new InetSocketAddress(address, port), 1);
            made.fill();
            return made;
        } catch (IOException | RuntimeException e) {
            made.close();
            throw e;
        }
    }

    private void fill() throws IOException {
        for (int i = 0; i < MAX_FILLERS; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(listener.getLocalSocketAddress(), FULL_AFTER_MILLIS);
                fillers.add(socket);
            } catch (SocketTimeoutException e) {
                socket.close();
                return;
            }
        }
        throw new IOException("the accept queue of " + listener + " did not fill in " + MAX_FILLERS + " connections");
    }

    public InetAddress address() {
        return listener.getInetAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket socket : fillers) {
            socket.close();
        }
        listener.close();
    }
}
