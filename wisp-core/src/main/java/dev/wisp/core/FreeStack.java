package dev.wisp.core;

import java.util.Arrays;

/**
 * The free buffers of a pool: a stack that holds at most a fixed number and drops what comes beyond, so a pool
 * never blocks and never grows past its bound. Last in, first out, so the buffer taken is the one most likely
 * still in a cache.
 *
 * <p>Thread-safe. The lock guards a few field updates and never blocks on I/O.
 */
final class FreeStack<T> {
    private final Object[] stack;
    private int count;
    /** The fewest free buffers held since the last {@link #trim()}: as many sat there untaken all that time. */
    private int fewestSinceTrim;

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
        fewestSinceTrim = Math.min(fewestSinceTrim, count);
        return buffer;
    }

    /** Keeps the buffer if there is room, else drops it for the garbage collector. */
    synchronized void push(T buffer) {
        if (count < stack.length) {
            stack[count++] = buffer;
        }
    }

    /**
     * Drops the buffers that nobody took since the last trim, the oldest first (the bottom of the stack, which the
     * taken ones never reached), and returns how many.
     */
    synchronized int trim() {
        int unused = fewestSinceTrim;
        if (unused > 0) {
            System.arraycopy(stack, unused, stack, 0, count - unused);
            Arrays.fill(stack, count - unused, count, null);
            count -= unused;
        }
        fewestSinceTrim = count;
        return unused;
    }

    synchronized int size() {
        return count;
    }
}
