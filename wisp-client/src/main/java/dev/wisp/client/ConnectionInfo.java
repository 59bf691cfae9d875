package dev.wisp.client;

import java.util.Objects;
import java.util.Optional;

/**
 * Which connection a connection event is about: its id, its origin, and the user attachment it carries
 * (libwebsockets' {@code opaque_user_data}), given to {@link ClientConnection#connect(Origin, ClientConfig, Object)}.
 * One listener can then serve many connections and tell them apart. Connections of a {@link Client}'s pool carry no
 * attachment.
 *
 * <p>Immutable; the attachment itself is the user's, handed over as it was given.
 */
public final class ConnectionInfo {
    private final long id;
    private final Origin origin;
    private final Object attachment;

    public ConnectionInfo(long id, Origin origin, Object attachment) {
        this.id = id;
        this.origin = Objects.requireNonNull(origin, "origin");
        this.attachment = attachment;
    }

    /** The connection's id, unique in this process; the {@code k17} of the client's log lines. */
    public long id() {
        return id;
    }

    /** The origin the connection is for (through a proxy, still the origin, not the proxy). */
    public Origin origin() {
        return origin;
    }

    /** The user attachment the connection carries; empty if none was given. */
    public Optional<Object> attachment() {
        return Optional.ofNullable(attachment);
    }

    /**
     * The user attachment as the type it was given as; empty if none was given.
     *
     * @throws ClassCastException if it is of another type
     */
    public <T> Optional<T> attachment(Class<T> type) {
        return Optional.ofNullable(attachment).map(type::cast);
    }

    @Override
    public String toString() {
        return "k" + id + " " + origin;
    }
}
