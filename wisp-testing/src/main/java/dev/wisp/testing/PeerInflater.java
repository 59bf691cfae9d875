package dev.wisp.testing;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * One side's view of the other's permessage-deflate messages (RFC 7692 §7.2.2), written with java.util.zip rather
 * than Wisp's codec: the removed tail added back, the window kept from one message to the next unless the sender
 * agreed to {@code *_no_context_takeover}; then a sender that kept its window anyway sends what does not inflate here.
 * Not thread-safe.
 */
public final class PeerInflater {
    private final Inflater inflater = new Inflater(true);
    private final boolean noContextTakeover;

    /** @param noContextTakeover whether the sender starts every message with an empty window */
    public PeerInflater(boolean noContextTakeover) {
        this.noContextTakeover = noContextTakeover;
    }

    /**
     * The message inflated from the joined payload of its frames.
     *
     * @throws DataFormatException if it is not DEFLATE data, or refers to a window this side does not keep
     */
    public byte[] inflate(byte[] payload) throws DataFormatException {
        inflater.setInput(FuzzBytes.concat(payload, new byte[] {0, 0, (byte) 0xff, (byte) 0xff}));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16_384];
        int n;
        while ((n = inflater.inflate(buffer)) > 0) {
            out.write(buffer, 0, n);
        }
        if (noContextTakeover) {
            inflater.reset();
        }
        return out.toByteArray();
    }
}
