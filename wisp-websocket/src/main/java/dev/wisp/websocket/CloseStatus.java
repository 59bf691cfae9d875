package dev.wisp.websocket;

import java.util.Objects;

/**
 * What a peer's close frame said: its code ({@link CloseCode#NO_STATUS_RECEIVED} for a frame without one) and its
 * reason (empty when it gave none). {@link WebSocket#peerCloseStatus()} tells it to a reader of
 * {@link WebSocket#receive()}, whose empty answer alone cannot tell a normal close from, say, a
 * {@link CloseCode#MESSAGE_TOO_BIG} refusal.
 */
public record CloseStatus(int code, String reason) {
    public CloseStatus {
        Objects.requireNonNull(reason, "reason");
    }
}
