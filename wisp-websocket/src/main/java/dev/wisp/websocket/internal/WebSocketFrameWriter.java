package dev.wisp.websocket.internal;

import dev.wisp.core.WireOutput;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Writes WebSocket frames (RFC 6455 §5) to a {@link WireOutput}. A client masks every frame with a fresh key
 * from a {@link SecureRandom} (§5.3 asks for keys a peer or an intermediary cannot predict); a server masks none.
 * The caller's payload array is never changed: masked bytes go through a small scratch array.
 *
 * <p>It checks only what a caller inside Wisp could get wrong: control frames of at most 125 bytes. The session
 * decides fragmentation and ordering.
 *
 * <p>Not thread-safe: the session writes one frame at a time under its frame lock.
 */
public final class WebSocketFrameWriter {
    private static final SecureRandom MASK_KEYS = new SecureRandom();
    private static final int SCRATCH = 4096;

    private final WireOutput out;
    private final boolean masking;

    public WebSocketFrameWriter(WireOutput out, Role role) {
        this.out = Objects.requireNonNull(out, "out");
        this.masking = role.masksOutgoing();
    }

    /**
     * Writes one frame into the output's buffer; {@link #flush()} sends it.
     *
     * @param fin whether the frame ends its message (always for control frames)
     * @param rsv1 the permessage-deflate "compressed" bit, on the first frame of a compressed message
     */
    public void writeFrame(Opcode opcode, boolean fin, boolean rsv1, byte[] payload, int offset, int length)
            throws IOException {
        Objects.checkFromIndexSize(offset, length, payload.length);
        if (opcode.isControl() && (length > 125 || !fin)) {
            throw new IllegalArgumentException(opcode + " frame must be final and at most 125 bytes: " + length);
        }
        out.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode.code());
        int maskBit = masking ? 0x80 : 0;
        if (length < 126) {
            out.write(maskBit | length);
        } else if (length <= 0xffff) {
            out.write(maskBit | 126);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) length >>> shift));
            }
        }
        if (!masking) {
            out.write(payload, offset, length);
            return;
        }
        int key = MASK_KEYS.nextInt();
        out.write(key >>> 24);
        out.write(key >>> 16);
        out.write(key >>> 8);
        out.write(key);
        byte[] scratch = new byte[Math.min(length, SCRATCH)];
        for (int done = 0; done < length; ) {
            int n = Math.min(scratch.length, length - done);
            System.arraycopy(payload, offset + done, scratch, 0, n);
            Masking.apply(scratch, 0, n, key, done);
            out.write(scratch, 0, n);
            done += n;
        }
    }

    /** Writes a close frame with this code and reason ({@link CloseFrames#payload(int, String)}). */
    public void writeClose(int code, String reason) throws IOException {
        byte[] payload = CloseFrames.payload(code, reason);
        writeFrame(Opcode.CLOSE, true, false, payload, 0, payload.length);
    }

    /** Sends the frames written so far, and gives the output's buffer back to its pool. */
    public void flush() throws IOException {
        out.flush();
    }
}
