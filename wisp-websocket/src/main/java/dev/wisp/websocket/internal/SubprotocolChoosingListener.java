package dev.wisp.websocket.internal;

import dev.wisp.websocket.WebSocketListener;
import java.util.Optional;

/**
 * A server's listener that chooses its WebSocket's subprotocol itself, where the server otherwise chooses among
 * its route's: a relay, which offers the client's subprotocols to its upstream and answers the client with the
 * upstream's choice. Only the relay needs it, so it is no public API.
 */
public interface SubprotocolChoosingListener extends WebSocketListener {

    /**
     * The subprotocol to answer the client with, or none; asked once the route's handler returned this listener,
     * before the server answers. It must be one the client offered (the relay's upstream was offered no other).
     */
    Optional<String> subprotocol();
}
