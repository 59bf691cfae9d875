package dev.wisp.websocket.internal;

import java.util.zip.Deflater;

/**
 * Compresses outgoing messages for permessage-deflate (RFC 7692 §7.2.1): raw DEFLATE, each fragment ended with a
 * sync flush, and the 0x00 0x00 0xff 0xff the flush leaves at the end of the message removed.
 *
 * <p>java.util.zip compresses with a 15-bit window only. A smaller {@code *_max_window_bits} for this side's
 * direction is honoured by compressing with literals only ({@link Deflater#HUFFMAN_ONLY}): no back-references, so no
 * window at all.
 *
 * <p>The zlib stream holds native memory; {@link #close()} frees it and must be called when the connection ends.
 *
 * <p>Not thread-safe: the session uses it under its frame lock.
 */
public final class MessageDeflater implements AutoCloseable {
    private static final int SLICE = 8 * 1024;
    private static final byte[] NO_INPUT = new byte[0];

    private final Deflater deflater;
    private final boolean noContextTakeover;

    /**
     * @param noContextTakeover whether every message starts with an empty window (agreed
     *        {@code *_no_context_takeover} for this side)
     * @param level the zlib compression level, 0-9 or {@link Deflater#DEFAULT_COMPRESSION}
     */
    public MessageDeflater(boolean noContextTakeover, int level) {
        this(noContextTakeover, level, false);
    }

    /**
     * @param noContextTakeover whether every message starts with an empty window
     * @param level the zlib compression level, 0-9 or {@link Deflater#DEFAULT_COMPRESSION}
     * @param literalsOnly whether to refer to no earlier byte: the peer allowed a window under 15 bits
     */
    public MessageDeflater(boolean noContextTakeover, int level, boolean literalsOnly) {
        this.deflater = new Deflater(level, true);
        if (literalsOnly) {
            deflater.setStrategy(Deflater.HUFFMAN_ONLY); // zlib keeps the strategy across reset()
            // The JDK applies a new strategy in the next deflate call, which then compresses nothing: make that call
            // here, with no input, so that every later call compresses.
            deflater.deflate(new byte[1], 0, 1, Deflater.NO_FLUSH);
        }
        this.noContextTakeover = noContextTakeover;
    }

    /**
     * Compresses the next part of a message into {@code out}, which is emptied first.
     *
     * @param last whether this part ends the message: then the tail is removed, and the window reset if no
     *        context is taken over
     */
    void deflate(byte[] bytes, int offset, int length, boolean last, MessageBuffer out) {
        out.clear();
        deflater.setInput(bytes, offset, length);
        // Each round writes a slice; a round that leaves room unfilled has flushed everything (Deflater javadoc).
        while (true) {
            out.reserve(SLICE);
            int n = deflater.deflate(out.array(), out.size(), SLICE, Deflater.SYNC_FLUSH);
            out.commit(n);
            if (n < SLICE) {
                break;
            }
        }
        // The Deflater keeps a reference to its last input: an idle connection would hold its last message.
        deflater.setInput(NO_INPUT);
        if (last) {
            endMessage(out);
        }
    }

    private void endMessage(MessageBuffer out) {
        int size = out.size();
        byte[] array = out.array();
        if (size >= 4 && array[size - 4] == 0 && array[size - 3] == 0 && array[size - 2] == (byte) 0xff
                && array[size - 1] == (byte) 0xff) {
            out.truncate(size - 4);
        } else if (size == 0) {
            // zlib skips a flush right after another with no input between: the message's data was flushed with
            // the previous fragment. One 0x00 with the receiver's tail makes an empty stored block (§7.2.3.6).
            out.append(new byte[] {0}, 0, 1);
        }
        if (noContextTakeover) {
            deflater.reset();
        }
    }

    /**
     * Whether every message starts with an empty window ({@code *_no_context_takeover}): then nothing is carried
     * from one message to the next, and the stream may be closed between messages and made anew.
     */
    boolean startsEachMessageEmpty() {
        return noContextTakeover;
    }

    /** Frees the native zlib memory. Idempotent. */
    @Override
    public void close() {
        deflater.end();
    }
}
