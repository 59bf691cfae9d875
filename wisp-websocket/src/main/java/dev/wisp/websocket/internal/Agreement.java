package dev.wisp.websocket.internal;

import java.util.Optional;

/**
 * What the opening handshake agreed for a connection, on either side.
 *
 * @param subprotocol the subprotocol chosen, if any
 * @param deflate permessage-deflate as agreed, if it was
 */
public record Agreement(Optional<String> subprotocol, Optional<PerMessageDeflate> deflate) {
    /** No subprotocol and no extension. */
    public static final Agreement NONE = new Agreement(Optional.empty(), Optional.empty());
}
