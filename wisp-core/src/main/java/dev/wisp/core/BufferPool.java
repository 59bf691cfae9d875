package dev.wisp.core;

/**
 * A bounded pool of equal-sized byte arrays, so that a connection holds a read or write buffer only while it
 * is working on a message and an idle connection holds none. When the pool is empty, {@link #acquire()}
 * allocates; when it is full, {@link #release(byte[])} drops the array for the garbage collector. The pool
 * therefore never blocks and never grows past {@code maxPooled} arrays; and {@link #trim()}, called now and then,
 * drops the arrays nobody took meanwhile, so that what a burst left behind goes back once it is over.
 *
 * <p>Thread-safe.
 */
public final class BufferPool {
    private final int bufferSize;
    private final FreeStack<byte[]> free;

    /**
     * @param bufferSize the size of every buffer, in bytes
     * @param maxPooled how many free buffers the pool keeps at most
     */
    public BufferPool(int bufferSize, int maxPooled) {
        if (bufferSize < 64) {
            throw new IllegalArgumentException("bufferSize must be at least 64: " + bufferSize);
        }
        this.free = new FreeStack<>(maxPooled);
        this.bufferSize = bufferSize;
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** Takes a free buffer, or allocates one. Its content is undefined. */
    public byte[] acquire() {
        byte[] buffer = free.pop();
        return buffer != null ? buffer : new byte[bufferSize];
    }

    /** Gives a buffer back; the caller must not touch it afterwards. */
    public void release(byte[] buffer) {
        if (buffer.length != bufferSize) {
            throw new IllegalArgumentException("buffer of " + buffer.length + " bytes is not from this pool");
        }
        free.push(buffer);
    }

    /**
     * Drops the free buffers that no {@link #acquire()} took since the last trim: a pool trimmed every second holds
     * at most what the last second's work needed at once.
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
