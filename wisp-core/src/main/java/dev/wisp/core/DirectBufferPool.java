package dev.wisp.core;

import java.nio.ByteBuffer;

/**
 * A bounded pool of equal-sized direct byte buffers, for reads that fill them straight from a socket. Direct
 * memory is costly to allocate and is freed only by the garbage collector, so a buffer is kept for the next
 * reader rather than dropped. As with {@link BufferPool}, {@link #acquire()} allocates when the pool is empty and
 * {@link #release(ByteBuffer)} drops the buffer when it is full: the pool never blocks nor grows past
 * {@code maxPooled} buffers; and {@link #trim()}, called now and then, drops those nobody took meanwhile, so that
 * what a burst left goes back once it is over.
 *
 * <p>Thread-safe.
 */
public final class DirectBufferPool {
    private final int bufferSize;
    private final FreeStack<ByteBuffer> free;

    /**
     * @param bufferSize the capacity of every buffer, in bytes
     * @param maxPooled how many free buffers the pool keeps at most
     */
    public DirectBufferPool(int bufferSize, int maxPooled) {
        if (bufferSize < 1024) {
            throw new IllegalArgumentException("bufferSize must be at least 1024: " + bufferSize);
        }
        this.free = new FreeStack<>(maxPooled);
        this.bufferSize = bufferSize;
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** Takes a free buffer, cleared, or allocates one. Its content is undefined. */
    public ByteBuffer acquire() {
        ByteBuffer buffer = free.pop();
        return buffer != null ? buffer.clear() : ByteBuffer.allocateDirect(bufferSize);
    }

    /** Gives a buffer back; the caller must not touch it afterwards. */
    public void release(ByteBuffer buffer) {
        if (!buffer.isDirect() || buffer.capacity() != bufferSize) {
            throw new IllegalArgumentException("buffer of " + buffer.capacity() + " bytes is not from this pool");
        }
        free.push(buffer);
    }

    /**
     * Drops the free buffers that no {@link #acquire()} took since the last trim, for the garbage collector to free
     * their memory; see {@link BufferPool#trim()}.
     *
     * @return how many were dropped
     */
    public int trim() {
        return free.trim();
    }

    /** How many free buffers the pool holds now. */
    public int pooled() {
        return free.size();
    }
}
