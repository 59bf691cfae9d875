package dev.wisp.websocket.internal;

import static dev.wisp.websocket.CloseCode.INVALID_PAYLOAD;
import static dev.wisp.websocket.CloseCode.MESSAGE_TOO_BIG;

import dev.wisp.websocket.WebSocketProtocolException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses the messages of a permessage-deflate peer (RFC 7692 §7.2.2): raw DEFLATE, frame by frame as the
 * fragments arrive, with the 0x00 0x00 0xff 0xff tail the sender removed added back at the end of each message.
 *
 * <p>The inflated size is checked while inflating: output goes to the message in slices of at most the room left
 * under the limit plus one byte, so a small compressed frame that would expand to gigabytes (a decompression bomb)
 * stops at the limit plus one byte, with 1009.
 *
 * <p>The zlib stream holds native memory; {@link #close()} frees it and must be called when the connection ends.
 * A window of up to 32 KiB (15 bits) inflates a peer's data whatever window size the peer compressed with.
 *
 * <p>Not thread-safe: the connection's reading thread owns it.
 */
public final class MessageInflater implements AutoCloseable {
    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xff, (byte) 0xff};
    private static final int SLICE = 16 * 1024;

    private final Inflater inflater = new Inflater(true);
    private final boolean noContextTakeover;

    /**
     * @param noContextTakeover whether the peer starts every message with an empty window (it agreed to
     *        {@code *_no_context_takeover} for its side); then the window is reset after every message
     */
    public MessageInflater(boolean noContextTakeover) {
        this.noContextTakeover = noContextTakeover;
    }

    /**
     * Inflates one frame's compressed bytes and appends the output to the message.
     *
     * @throws WebSocketProtocolException 1009 if the message would pass maxMessageBytes, 1007 for data that is not
     *         DEFLATE
     */
    void inflate(byte[] compressed, int offset, int length, MessageBuffer message, int maxMessageBytes)
            throws WebSocketProtocolException {
        if (length == 0) {
            return;
        }
        if (inflater.finished()) {
            // The peer ended its DEFLATE stream (BFINAL) in an earlier message: this message starts a new one.
            inflater.reset();
        }
        inflater.setInput(compressed, offset, length);
        drain(message, maxMessageBytes);
    }

    /** Inflates the tail that ends the message, and resets the window if the peer takes no context over. */
    void finish(MessageBuffer message, int maxMessageBytes) throws WebSocketProtocolException {
        if (!inflater.finished()) {
            inflater.setInput(TAIL);
            drain(message, maxMessageBytes);
        }
        if (noContextTakeover || inflater.finished()) {
            inflater.reset();
        }
    }

    private void drain(MessageBuffer message, int maxMessageBytes) throws WebSocketProtocolException {
        // Each round either produces bytes, of which there can be at most maxMessageBytes + 1, or ends the loop.
        while (!inflater.needsInput() && !inflater.finished()) {
            int room = maxMessageBytes - message.size();
            int slice = (int) Math.min((long) room + 1, SLICE);
            message.reserve(slice);
            int n;
            try {
                n = inflater.inflate(message.array(), message.size(), slice);
            } catch (DataFormatException e) {
                throw new WebSocketProtocolException(INVALID_PAYLOAD, "compressed message is not valid DEFLATE data");
            }
            message.commit(n);
            if (n > room) {
                throw new WebSocketProtocolException(MESSAGE_TOO_BIG,
                        "message exceeds " + maxMessageBytes + " bytes (maxMessageBytes) when inflated");
            }
            if (n == 0) {
                if (inflater.needsDictionary()) {
                    throw new WebSocketProtocolException(INVALID_PAYLOAD, "compressed message asks for a dictionary");
                }
                return;
            }
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
        inflater.end();
    }
}
