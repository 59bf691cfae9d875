package dev.wisp.websocket;

import dev.wisp.core.Ascii;
import java.io.IOException;
import java.util.Objects;

/**
 * A message, ping or pong could not be sent because the peer closed the WebSocket: its close frame had come, and
 * been answered, before the send (until it is answered, sending goes on, as RFC 6455 §5.5.1 allows, for what is in
 * flight), or came while the send was under way, which then failed on the connection the peer was closing. The
 * peer's code often says why: {@link CloseCode#MESSAGE_TOO_BIG} for a message over its limit, which it closes on
 * while the message still arrives, so the send would otherwise fail as a bare broken pipe or reset. A send that fails
 * before the close frame was read (no thread reads while a {@link WebSocket#receive()} reader is not waiting) is a
 * plain {@link IOException}.
 */
public final class WebSocketClosedException extends IOException {
    private final CloseStatus closeStatus;

    /**
     * @param closeStatus what the peer's close frame said
     * @param cause the failure of the send under way, or null if the close frame came before it
     */
    public WebSocketClosedException(CloseStatus closeStatus, IOException cause) {
        super(message(Objects.requireNonNull(closeStatus, "closeStatus"), cause), cause);
        this.closeStatus = closeStatus;
    }

    /** What the peer's close frame said. */
    public CloseStatus closeStatus() {
        return closeStatus;
    }

    private static String message(CloseStatus status, IOException cause) {
        String reason = status.reason().isEmpty() ? "" : " (" + Ascii.escape(status.reason()) + ")";
        String during = cause == null ? "" : "; the send under way failed: " + cause.getMessage();
        return "the peer closed the WebSocket with " + status.code() + reason + during;
    }
}
