package dev.wisp.websocket.internal;

import java.util.Arrays;

/**
 * A growable byte array for one message being assembled or compressed. It grows as bytes come, never beyond
 * what the caller reserves (the callers reserve within their limit), and drops its array on {@link #clear()} so
 * that a connection between messages holds none.
 *
 * <p>Not thread-safe.
 */
public final class MessageBuffer {
    private static final int INITIAL = 256;

    private byte[] bytes;
    private int size;

    /** The array; bytes {@code [0, size())} are the content, and after them the room reserved. */
    public byte[] array() {
        return bytes;
    }

    public int size() {
        return size;
    }

    /** Makes room for at least n more bytes after the content. */
    public void reserve(int n) {
        int needed = size + n;
        if (needed < 0) {
            throw new OutOfMemoryError("message of more than 2 GiB");
        }
        if (bytes == null) {
            bytes = new byte[Math.max(n, INITIAL)];
        } else if (needed > bytes.length) {
            int grown = bytes.length * 2 < 0 ? Integer.MAX_VALUE - 8 : bytes.length * 2;
            bytes = Arrays.copyOf(bytes, Math.max(grown, needed));
        }
    }

    /** Marks n bytes written after the content, into reserved room, as content. */
    public void commit(int n) {
        size += n;
    }

    /** Appends bytes. */
    public void append(byte[] source, int offset, int length) {
        reserve(length);
        System.arraycopy(source, offset, bytes, size, length);
        size += length;
    }

    /** Drops the content after its first n bytes. */
    public void truncate(int n) {
        if (n < 0 || n > size) {
            throw new IndexOutOfBoundsException("truncate to " + n + " of " + size + " bytes");
        }
        size = n;
    }

    /** The content, copied. */
    public byte[] toByteArray() {
        return size == 0 ? new byte[0] : Arrays.copyOf(bytes, size);
    }

    /**
     * The content, and the buffer empty: the array itself when the content fills it (a message read in one frame
     * whose room was reserved whole), so a large message is not copied once more; else a copy.
     */
    public byte[] take() {
        byte[] content = bytes != null && size == bytes.length ? bytes : toByteArray();
        clear();
        return content;
    }

    /** Empties the buffer and drops its array. */
    public void clear() {
        bytes = null;
        size = 0;
    }
}
