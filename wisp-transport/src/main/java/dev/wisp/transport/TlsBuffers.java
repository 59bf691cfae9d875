package dev.wisp.transport;

import dev.wisp.core.BufferPool;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * The record buffers of the TLS connections made from one {@link SSLContext}: a pool of arrays large enough for
 * one TLS record, encrypted or not. Connections borrow them while a record is in flight and give them back at
 * once, so an idle TLS connection holds none.
 *
 * <p>Thread-safe.
 */
public final class TlsBuffers {
    private final BufferPool pool;
    private final AtomicInteger inUse = new AtomicInteger();

    private TlsBuffers(BufferPool pool) {
        this.pool = pool;
    }

    /**
     * Buffers sized for the engines of this context.
     *
     * @param maxPooled how many free buffers to keep at most
     */
    public static TlsBuffers forContext(SSLContext context, int maxPooled) {
        Objects.requireNonNull(context, "context");
        SSLSession session = context.createSSLEngine().getSession();
        int size = Math.max(session.getPacketBufferSize(), session.getApplicationBufferSize());
        return new TlsBuffers(new BufferPool(size, maxPooled));
    }

    /** The size of every buffer, in bytes. */
    public int bufferSize() {
        return pool.bufferSize();
    }

    /** Checks that an engine's records fit these buffers. */
    void checkFits(SSLEngine engine) {
        SSLSession session = engine.getSession();
        int needed = Math.max(session.getPacketBufferSize(), session.getApplicationBufferSize());
        if (needed > pool.bufferSize()) {
            throw new IllegalArgumentException("engine needs " + needed + "-byte buffers, these are "
                    + pool.bufferSize() + " bytes");
        }
    }

    byte[] acquire() {
        byte[] buffer = pool.acquire();
        inUse.incrementAndGet();
        return buffer;
    }

    /**
     * A buffer of {@code size} bytes holding what {@code held} holds, in its place: for a record larger than these
     * buffers, which the engine accepts up to its largest packet size (about 33 KiB, see
     * {@link SSLSession#getPacketBufferSize()}). {@code held} goes back to the pool; the larger one never enters
     * it, and {@link #release} drops it.
     */
    byte[] grow(byte[] held, int size) {
        byte[] larger = Arrays.copyOf(held, size);
        pool.release(held);
        return larger;
    }

    void release(byte[] buffer) {
        inUse.decrementAndGet();
        if (buffer.length == pool.bufferSize()) {
            pool.release(buffer);
        }
    }

    /** How many buffers connections hold now; zero when every TLS connection is idle. */
    public int inUse() {
        return inUse.get();
    }

    /** Drops the free buffers that nobody took since the last trim; see {@link BufferPool#trim()}. */
    public int trim() {
        return pool.trim();
    }

    /** How many free buffers the pool holds now. */
    public int pooled() {
        return pool.pooled();
    }
}
