package dev.wisp.websocket.internal;

/**
 * What {@link WebSocketFrameReader#readNext()} returns: a whole data message, or a control frame (which may arrive
 * between the fragments of a message).
 */
public sealed interface Incoming {

    /** A text message, validated as UTF-8. */
    record Text(String text) implements Incoming {
    }

    /** A binary message. The array is the caller's. */
    record Binary(byte[] bytes) implements Incoming {
    }

    /** A ping; the peer expects a pong with the same payload. */
    record Ping(byte[] payload) implements Incoming {
    }

    /** A pong, solicited or not. */
    record Pong(byte[] payload) implements Incoming {
    }

    /**
     * A close frame.
     *
     * @param code the status code, or {@link dev.wisp.websocket.CloseCode#NO_STATUS_RECEIVED} if the frame had none
     * @param reason the reason, empty if none
     */
    record Close(int code, String reason) implements Incoming {
    }
}
