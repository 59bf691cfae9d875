package dev.wisp.websocket.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A message sent in fragments: bytes collect in a small buffer, and each flush or full buffer sends them as one
 * frame; {@link #close()} sends the final frame and lets the next message go. The stream holds the sender's turn
 * for messages from creation to close.
 *
 * <p>Not thread-safe: one thread writes a message.
 */
final class FragmentOutputStream extends OutputStream {
    private static final int BUFFER_BYTES = 16 * 1024;

    private final SessionSender sender;
    private final Opcode opcode;
    private byte[] buffer;
    private int count;
    private boolean started;
    private boolean closed;

    FragmentOutputStream(SessionSender sender, Opcode opcode) {
        this.sender = sender;
        this.opcode = opcode;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        checkOpen();
        if (buffer == null) {
            buffer = new byte[BUFFER_BYTES];
        }
        // Each round moves at least one byte into the buffer, or sends a full buffer.
        while (length > 0) {
            if (count == buffer.length) {
                send(false);
            }
            int n = Math.min(length, buffer.length - count);
            System.arraycopy(bytes, offset, buffer, count, n);
            count += n;
            offset += n;
            length -= n;
        }
    }

    /** Sends what is buffered as a fragment; nothing if nothing is. */
    @Override
    public void flush() throws IOException {
        checkOpen();
        if (count > 0) {
            send(false);
        }
    }

    /** Sends the final fragment (possibly empty) and ends the message. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            send(true);
        } finally {
            buffer = null;
            sender.endStream();
        }
    }

    private void send(boolean fin) throws IOException {
        sender.sendFragment(started ? Opcode.CONTINUATION : opcode, fin, buffer == null ? new byte[0] : buffer, 0,
                count);
        started = true;
        count = 0;
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("message stream is closed");
        }
    }
}
