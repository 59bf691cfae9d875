package dev.wisp.core;

/**
 * The free buffers of a pool: a stack that holds at most a fixed number and drops what comes beyond, so a pool
 * never blocks and never grows past its bound. Last in, first out, so the buffer taken is the one most likely
 * still in a cache.
 *
 * <p>Thread-safe. The lock guards two field updates and never blocks on I/O.
 */
final class FreeStack<T> {
    private final Object[] stack;
    private int count;

    FreeStack(int maxPooled) {
        if (maxPooled < 0) {
            throw new IllegalArgumentException("maxPooled must not be negative: " + maxPooled);
        }
        this.stack = new Object[maxPooled];
    }

    /** The last free buffer pushed, or null when there is none. */
    @SuppressWarnings("unchecked")
    synchronized T pop() {
        if (count == 0) {
            return null;
        }
        T buffer = (T) stack[--count];
        stack[count] = null;
        return buffer;
    }

    /** Keeps the buffer if there is room, else drops it for the garbage collector. */
    synchronized void push(T buffer) {
        if (count < stack.length) {
            stack[count++] = buffer;
        }
    }

    synchronized int size() {
        return count;
    }
}
