package dev.wisp.websocket.internal;

import dev.wisp.core.Headers;
import dev.wisp.websocket.WebSocketListener;
import java.util.Optional;

/**
 * A server's listener that chooses parts of its WebSocket's opening answer itself: its subprotocol, where the server
 * otherwise chooses among its route's, and fields to add. A relay's: it offers the client's subprotocols to its
 * upstream and answers the client with the upstream's choice, and with the end-to-end fields of the upstream's
 * answer (a cookie it set). Only the relay needs it, so it is no public API.
 */
public interface AnswerChoosingListener extends WebSocketListener {

    /**
     * The subprotocol to answer the client with, or none; asked once the route's handler returned this listener,
     * before the server answers. It must be one the client offered (the relay's upstream was offered no other).
     */
    Optional<String> subprotocol();

    /**
     * Fields for the answer beside the handshake's own, asked as {@link #subprotocol()} is; none by default. Those
     * the handshake sets ({@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-*}) are not taken from here.
     */
    default Headers answerFields() {
        return Headers.empty();
    }
}
