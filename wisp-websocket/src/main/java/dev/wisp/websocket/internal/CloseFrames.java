package dev.wisp.websocket.internal;

import static dev.wisp.websocket.CloseCode.INVALID_PAYLOAD;
import static dev.wisp.websocket.CloseCode.NO_STATUS_RECEIVED;
import static dev.wisp.websocket.CloseCode.PROTOCOL_ERROR;

import dev.wisp.websocket.CloseCode;
import dev.wisp.websocket.WebSocketProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The payload of a close frame (RFC 6455 §5.5.1): empty, or a 2-byte status code followed by a UTF-8 reason, at
 * most 125 bytes in all, so at most 123 bytes of reason.
 */
public final class CloseFrames {
    /** The longest reason that fits in a control frame after the code. */
    public static final int MAX_REASON_BYTES = 123;

    private CloseFrames() {
    }

    /**
     * Reads a received close payload.
     *
     * @throws WebSocketProtocolException 1002 for a 1-byte payload or a code not allowed on the wire (RFC 6455
     *         §7.4), 1007 for a reason that is not UTF-8 (§8.1)
     */
    static Incoming.Close parse(byte[] payload) throws WebSocketProtocolException {
        if (payload.length == 0) {
            return new Incoming.Close(NO_STATUS_RECEIVED, "");
        }
        if (payload.length == 1) {
            throw new WebSocketProtocolException(PROTOCOL_ERROR, "close frame payload of 1 byte");
        }
        int code = (payload[0] & 0xff) << 8 | payload[1] & 0xff;
        if (!CloseCode.isValidOnWire(code)) {
            throw new WebSocketProtocolException(PROTOCOL_ERROR, "close code " + code + " is not allowed on the wire");
        }
        if (!Utf8Validator.isValid(payload, 2, payload.length - 2)) {
            throw new WebSocketProtocolException(INVALID_PAYLOAD, "close reason is not valid UTF-8");
        }
        return new Incoming.Close(code, new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
    }

    /**
     * Makes a close payload to send. {@link CloseCode#NO_STATUS_RECEIVED} makes an empty payload (a close frame
     * without a code, as when echoing one that had none).
     *
     * @throws IllegalArgumentException if the code may not be sent, or the reason is longer than 123 UTF-8 bytes
     *         or given without a code
     */
    public static byte[] payload(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        if (code == NO_STATUS_RECEIVED) {
            if (!reason.isEmpty()) {
                throw new IllegalArgumentException("a close reason needs a close code");
            }
            return new byte[0];
        }
        requireSendable(code);
        byte[] text = Utf8Text.encode(reason, "close reason");
        if (text.length > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("close reason of " + text.length + " UTF-8 bytes exceeds "
                    + MAX_REASON_BYTES);
        }
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }

    /**
     * Checks a code an application asks to close with.
     *
     * @throws IllegalArgumentException if a close frame may not carry it
     */
    public static void requireSendable(int code) {
        if (!CloseCode.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent: use 1000-1003, "
                    + "1007-1014 or 3000-4999");
        }
    }

    /**
     * The reason cut to at most {@link #MAX_REASON_BYTES} of UTF-8, on a character boundary, for a close frame made
     * of an error's message: a lone surrogate in it becomes {@code ?} here, where {@link #payload} would refuse it.
     */
    static String truncateReason(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= CloseFrames.MAX_REASON_BYTES) {
            return new String(bytes, StandardCharsets.UTF_8); // an error's close, rare: no need to spare the copy
        }
        // Cut on a character boundary: drop continuation bytes at the cut.
        int end = CloseFrames.MAX_REASON_BYTES;
        while (end > 0 && (bytes[end] & 0xc0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
