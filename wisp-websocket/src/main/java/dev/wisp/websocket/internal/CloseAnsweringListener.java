package dev.wisp.websocket.internal;

import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketListener;

/**
 * A listener that answers the peer's close frame itself, where a session otherwise echoes it at once: a relay, which
 * first passes the close on to the WebSocket on its other side and answers with that one's close, relaying data
 * meanwhile (RFC 6455 §5.5.1: an endpoint that received a close frame may go on sending until it sends its own, and
 * the peer reads what comes before it). Only the relay between two Wisp sessions needs it, so it is no public API.
 */
public interface CloseAnsweringListener extends WebSocketListener {

    /**
     * The peer's close frame arrived before this side sent one. Called on the reading thread, which it holds until
     * it returns: the session then sends the answer and ends as usual, {@code onClose} included. Messages may still
     * be sent on the WebSocket meanwhile, from other threads. The session's closeTimeout does not run yet: the
     * listener bounds its own wait.
     *
     * @param close the peer's close: its code, or {@link dev.wisp.websocket.CloseCode#NO_STATUS_RECEIVED} for a
     *     close frame without one, and its reason
     * @return the close frame to answer with: a code a close frame may carry, or NO_STATUS_RECEIVED (with an empty
     *     reason) for one without a code
     */
    Incoming.Close answerClose(WebSocket webSocket, Incoming.Close close);
}
