package dev.wisp.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * The socket's input stream with the connection's current timeout applied before each read: either a plain read
 * timeout (idle keep-alive, body reads) or a deadline (the whole request head within the header timeout), turned
 * into the socket's {@code soTimeout} for the time left.
 *
 * <p>Used by the connection's thread only.
 */
final class SocketInput extends InputStream {
    private final Socket socket;
    private final InputStream in;
    private int appliedTimeoutMillis = -1;
    private int readTimeoutMillis;
    private long deadlineNanos;
    private boolean hasDeadline;

    SocketInput(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    /** Each read may wait this long. */
    void readTimeout(int millis) {
        readTimeoutMillis = millis;
        hasDeadline = false;
    }

    /** Every read until the next call must finish within millis from now. */
    void deadlineIn(int millis) {
        deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        hasDeadline = true;
    }

    @Override
    public int read() throws IOException {
        applyTimeout();
        return in.read();
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        applyTimeout();
        return in.read(bytes, offset, length);
    }

    private void applyTimeout() throws IOException {
        int timeout = readTimeoutMillis;
        if (hasDeadline) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            timeout = (int) Math.min(left, Integer.MAX_VALUE);
        }
        if (timeout != appliedTimeoutMillis) {
            socket.setSoTimeout(timeout);
            appliedTimeoutMillis = timeout;
        }
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }
}
