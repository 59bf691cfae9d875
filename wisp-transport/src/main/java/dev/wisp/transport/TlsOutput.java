package dev.wisp.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The plaintext side of a TLS connection's writes: wraps what is written into records and writes them to the
 * socket before returning. Holds no buffer between writes: each write borrows one record buffer from the pool.
 * The handshake alone keeps its records a little longer, to send each flight in one write.
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
    /** Handshake records wrapped and not yet written, in write mode; null when none. */
    private ByteBuffer gathered;

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
     * Sends one record the engine has to say on its own, behind any handshake records gathered before: a reply to a
     * post-handshake message, an alert after a failure, or the close_notify after {@link SSLEngine#closeOutbound()}.
     * One record only: a caller that needs more asks again ({@code TlsInput} does while the engine needs to wrap).
     * That matters after a refused TLS 1.2 renegotiation: the engine then holds the new handshake's first flight,
     * and the one record {@code shutdownOutput()} sends is that flight, not the close_notify behind it, so the peer
     * sees the connection fail rather than close cleanly (a clean close reads as a renegotiation accepted).
     *
     * @return the handshake status after the wrap and the tasks it left
     */
    HandshakeStatus sendEngineMessage() throws IOException {
        lock.lock();
        try {
            HandshakeStatus status = gather(false);
            flush();
            return status;
        } finally {
            discardGathered(); // nothing is left to send after a failure
            lock.unlock();
        }
    }

    /**
     * Wraps everything the engine has to send until it needs the peer's bytes or is done, behind the records
     * gathered before, and keeps them for {@link #flush()}: a handshake flight of several records (ServerHello to
     * Finished; a client's ChangeCipherSpec, Certificate, CertificateVerify and Finished) leaves in one socket
     * write instead of one per record, and the peer reads it in one go. Writes only when the gathered records
     * fill a buffer. Only the handshake gathers, and it sends or discards the records before it returns.
     *
     * @return the handshake status after the last wrap and the tasks it left
     */
    HandshakeStatus gatherEngineMessages() throws IOException {
        return gather(true);
    }

    /** Wraps one record, or all the engine has to send ({@code all}), behind the records gathered before. */
    private HandshakeStatus gather(boolean all) throws IOException {
        lock.lock();
        byte[] spare = null;
        try {
            if (gathered == null) {
                gathered = ByteBuffer.wrap(buffers.acquire());
            }
            WrapStep step;
            do {
                if (gathered.position() == 0) {
                    step = wrap(EMPTY.duplicate(), gathered);
                } else {
                    // The engine wraps only into a buffer with room for a whole record: the records behind the
                    // first are made in a spare buffer and copied behind it (a few hundred bytes each).
                    if (spare == null) {
                        spare = buffers.acquire();
                    }
                    ByteBuffer record = ByteBuffer.wrap(spare);
                    step = wrap(EMPTY.duplicate(), record);
                    if (record.position() > gathered.remaining()) {
                        send(gathered);
                    }
                    gathered.put(spare, 0, record.position());
                }
            } while (all && step.status() == HandshakeStatus.NEED_WRAP && step.produced() > 0);
            return step.status();
        } finally {
            if (spare != null) {
                buffers.release(spare);
            }
            lock.unlock();
        }
    }

    /** Writes the handshake records gathered, if any, in one write. */
    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            if (gathered != null) {
                send(gathered);
            }
        } finally {
            discardGathered();
            lock.unlock();
        }
    }

    /** Gives back the buffer of gathered records without sending them; for a handshake that failed. */
    void discardGathered() {
        lock.lock();
        try {
            if (gathered != null) {
                buffers.release(gathered.array());
                gathered = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wraps at most one record from the source and writes it; the caller holds the lock. */
    private void wrapAndSend(ByteBuffer source) throws IOException {
        byte[] array = buffers.acquire();
        try {
            ByteBuffer net = ByteBuffer.wrap(array);
            wrap(source, net);
            send(net);
        } finally {
            buffers.release(array);
        }
    }

    /** What one wrap did: the bytes it added to the record buffer, and the handshake status after its tasks. */
    private record WrapStep(int produced, HandshakeStatus status) {
    }

    /** Wraps at most one record from the source into the buffer, then runs the tasks it left. */
    private WrapStep wrap(ByteBuffer source, ByteBuffer net) throws IOException {
        SSLEngineResult result = engine.wrap(source, net);
        switch (result.getStatus()) {
            case OK, CLOSED -> {
                if (result.getStatus() == SSLEngineResult.Status.CLOSED && source.hasRemaining()) {
                    throw new SSLException("TLS output is closed");
                }
            }
            case BUFFER_OVERFLOW, BUFFER_UNDERFLOW ->
                    throw new SSLException("TLS record does not fit a " + net.capacity() + "-byte buffer");
        }
        TlsTransport.runDelegatedTasks(engine);
        HandshakeStatus status = result.getHandshakeStatus();
        return new WrapStep(result.bytesProduced(),
                status == HandshakeStatus.NEED_TASK ? engine.getHandshakeStatus() : status);
    }

    /** Writes what the buffer holds to the socket, and empties it. */
    private void send(ByteBuffer net) throws IOException {
        if (net.position() > 0) {
            raw.write(net.array(), 0, net.position());
            net.clear();
        }
    }
}
