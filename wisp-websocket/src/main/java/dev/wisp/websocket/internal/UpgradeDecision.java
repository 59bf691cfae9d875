package dev.wisp.websocket.internal;

import dev.wisp.core.Ascii;
import dev.wisp.core.Headers;
import dev.wisp.core.Status;
import dev.wisp.websocket.WebSocketListener;
import java.util.Optional;
import java.util.Set;

/** A server's answer to an upgrade request: 101 with these headers, or an HTTP error that says why. */
public sealed interface UpgradeDecision {
    /** The fields the opening handshake sets, never taken from elsewhere (RFC 6455 §11.3). */
    Set<String> HANDSHAKE_FIELDS = Set.of("upgrade", "connection", "sec-websocket-accept", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol");
    /** The field that names the subprotocol offered or chosen (RFC 6455 §11.3.4). */
    String SUBPROTOCOL_FIELD = "Sec-WebSocket-Protocol";

    /**
     * The upgrade is accepted: answer 101 with these headers, then run a session.
     *
     * @param headers Upgrade, Connection, Sec-WebSocket-Accept, and the chosen subprotocol and extension
     * @param agreement the subprotocol and extension agreed, for the session
     */
    record Accept(Headers headers, Agreement agreement)
            implements UpgradeDecision {

        /**
         * This answer with the subprotocol the listener chose, if it is an {@link AnswerChoosingListener} (a
         * relay's), in place of the one chosen among the route's, and with its fields but those the handshake sets;
         * else this answer.
         */
        public Accept choosingBy(WebSocketListener listener) {
            if (!(listener instanceof AnswerChoosingListener choosing)) {
                return this;
            }
            Optional<String> subprotocol = choosing.subprotocol();
            Headers.Builder answer = headers.toBuilder().remove(SUBPROTOCOL_FIELD);
            subprotocol.ifPresent(chosen -> answer.add(SUBPROTOCOL_FIELD, chosen));
            Headers added = choosing.answerFields();
            for (int i = 0; i < added.size(); i++) {
                String name = Ascii.toLowerCase(added.name(i));
                if (!HANDSHAKE_FIELDS.contains(name)) {
                    answer.add(added.name(i), added.value(i));
                }
            }
            return new Accept(answer.build(), new Agreement(subprotocol, agreement.deflate()));
        }
    }

    /**
     * The upgrade is refused: answer this status with these headers and the message as a short body.
     *
     * @param headers what RFC 6455 asks for with the status: {@code Sec-WebSocket-Version: 13} with 426
     * @param forOrigin whether the request was sound and only its page's origin was refused, which a server may tell
     *     its operator of
     */
    record Reject(Status status, Headers headers, String message, boolean forOrigin) implements UpgradeDecision {
    }
}
