package dev.wisp.websocket;

import java.util.Objects;

/** A whole data message, as {@link WebSocket#receive()} returns it: text or binary. */
public sealed interface WebSocketMessage {

    /** A text message (valid UTF-8 on the wire). */
    record Text(String text) implements WebSocketMessage {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /** A binary message; the array belongs to the receiver. */
    record Binary(byte[] bytes) implements WebSocketMessage {
        public Binary {
            Objects.requireNonNull(bytes, "bytes");
        }
    }
}
