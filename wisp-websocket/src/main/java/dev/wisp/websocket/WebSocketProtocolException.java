package dev.wisp.websocket;

import java.io.IOException;

/**
 * The peer broke the WebSocket protocol, or sent more than a limit allows; carries the close code that is sent
 * back before the connection closes: {@link CloseCode#PROTOCOL_ERROR} (1002), {@link CloseCode#INVALID_PAYLOAD}
 * (1007) or {@link CloseCode#MESSAGE_TOO_BIG} (1009).
 */
public final class WebSocketProtocolException extends IOException {
    private final int closeCode;

    /**
     * @param closeCode the code to close the connection with
     * @param message what was wrong, where, and which limit
     */
    public WebSocketProtocolException(int closeCode, String message) {
        super(message);
        this.closeCode = closeCode;
    }

    /** The close code the connection is failed with. */
    public int closeCode() {
        return closeCode;
    }
}
