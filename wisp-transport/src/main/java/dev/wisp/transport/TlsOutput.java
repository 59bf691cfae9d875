package dev.wisp.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * The plaintext side of a TLS connection's writes: wraps what is written into records and writes them to the
 * socket before returning. Holds no buffer between writes: each write borrows one record buffer from the pool.
 *
 * <p>Thread-safe: application writes, handshake messages and the replies the reading side must send (a key
 * update, an alert) all go through one lock, since records must reach the socket in the order they were made.
 */
final class TlsOutput extends OutputStream {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final ChannelOutput raw;
    private final TlsBuffers buffers;
    private final ReentrantLock lock = new ReentrantLock();
    private long written;

    TlsOutput(SSLEngine engine, ChannelOutput raw, TlsBuffers buffers) {
        this.engine = engine;
        this.raw = raw;
        this.buffers = buffers;
    }

    /** How many plaintext bytes were written so far. */
    long written() {
        return written;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        lock.lock();
        try {
            ByteBuffer source = ByteBuffer.wrap(bytes, offset, length);
            while (source.hasRemaining()) {
                wrapAndSend(source);
            }
            written += length;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends what the engine has to say on its own: a handshake message, a reply to a post-handshake message, an
     * alert after a failure, or the close_notify after {@link SSLEngine#closeOutbound()}.
     *
     * @return the handshake status after the wrap
     */
    SSLEngineResult.HandshakeStatus sendEngineMessage() throws IOException {
        lock.lock();
        try {
            return wrapAndSend(EMPTY.duplicate()).getHandshakeStatus();
        } finally {
            lock.unlock();
        }
    }

    /** Wraps at most one record from the source and writes it; the caller holds the lock. */
    private SSLEngineResult wrapAndSend(ByteBuffer source) throws IOException {
        byte[] array = buffers.acquire();
        try {
            ByteBuffer net = ByteBuffer.wrap(array);
            SSLEngineResult result = engine.wrap(source, net);
            switch (result.getStatus()) {
                case OK, CLOSED -> {
                    if (result.getStatus() == SSLEngineResult.Status.CLOSED && source.hasRemaining()) {
                        throw new SSLException("TLS output is closed");
                    }
                }
                case BUFFER_OVERFLOW, BUFFER_UNDERFLOW ->
                        throw new SSLException("TLS record does not fit a " + array.length + "-byte buffer");
            }
            TlsTransport.runDelegatedTasks(engine);
            if (net.position() > 0) {
                raw.write(array, 0, net.position());
            }
            return result;
        } finally {
            buffers.release(array);
        }
    }
}
