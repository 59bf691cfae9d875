package dev.wisp.websocket.internal;

import dev.wisp.core.Headers;
import dev.wisp.core.Status;

/** A server's answer to an upgrade request: 101 with these headers, or an HTTP error that says why. */
public sealed interface UpgradeDecision {

    /**
     * The upgrade is accepted: answer 101 with these headers, then run a session.
     *
     * @param headers Upgrade, Connection, Sec-WebSocket-Accept, and the chosen subprotocol and extension
     * @param agreement the subprotocol and extension agreed, for the session
     */
    record Accept(Headers headers, Agreement agreement)
            implements UpgradeDecision {
    }

    /**
     * The upgrade is refused: answer this status with these headers and the message as a short body.
     *
     * @param headers what RFC 6455 asks for with the status: {@code Sec-WebSocket-Version: 13} with 426
     */
    record Reject(Status status, Headers headers, String message) implements UpgradeDecision {
    }
}
