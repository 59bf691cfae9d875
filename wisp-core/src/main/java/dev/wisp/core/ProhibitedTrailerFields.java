package dev.wisp.core;

import java.util.HashSet;
import java.util.Set;

/**
 * The fields that have no place in a trailer section, whatever the protocol: RFC 9110 §6.5.1 forbids a sender to
 * generate a trailer field whose definition does not allow it, and §6.5.2 forbids a recipient to merge one into the
 * header section. A field read before the content (framing, routing, authentication, request modifiers, response
 * control data, how to process the content) or one that belongs to a connection rather than the message means
 * nothing after the content, and is a way around checks made on the head where a later hop merges trailers into it.
 *
 * <p>Wisp drops such fields wherever a trailer section is read or written, the rest kept in their order: a recipient
 * does not show them to the application, and a sender leaves out those the application gave, as it leaves out the
 * fields a framing has no place for (an HTTP/2 {@code Connection}, trailers after a body of announced length).
 *
 * <p>Stateless and thread-safe.
 */
public final class ProhibitedTrailerFields {
    /** Lowercase names; RFC 9110's categories of fields not allowed in trailers (§6.5.1), with examples of each. */
    private static final Set<String> NAMES = Set.of(
            // Message framing (RFC 9112 §6).
            "content-length", "transfer-encoding",
            // The connection's, not the message's (RFC 9110 §7.6.1; HTTP/2's upgrade settings, RFC 7540 §3.2.1).
            "connection", "keep-alive", "proxy-connection", "te", "upgrade", "http2-settings",
            // Routing (§7.2, §7.6.2).
            "host", "max-forwards",
            // Authentication (§11) and the state that stands in for it (RFC 6265).
            "authorization", "proxy-authorization", "www-authenticate", "proxy-authenticate", "cookie", "set-cookie",
            // Request modifiers: controls and preconditions (§7.6.2, §10.1.1, §13.1, §14.2; RFC 9111 §5.2, §5.4).
            "expect", "range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "if-range",
            "cache-control", "pragma",
            // Response control data (§10.2; RFC 9111 §5.1, §5.3).
            "age", "date", "expires", "location", "retry-after", "vary",
            // How to process the content (§6.6.2, §8.3, §8.4, §14.4).
            "content-encoding", "content-type", "content-range", "trailer");

    private ProhibitedTrailerFields() {
    }

    /** Whether a field of this name, in any case, has no place in a trailer section. */
    public static boolean isProhibited(String name) {
        return NAMES.contains(Ascii.toLowerCase(name));
    }

    /**
     * The trailer fields without the prohibited ones, nor those a {@code Connection} among them names (it makes them
     * the connection's, RFC 9110 §7.6.1); the others in their order. The same instance when none is dropped.
     */
    public static Headers removeFrom(Headers trailers) {
        return removeFrom(trailers, Set.of());
    }

    /**
     * As {@link #removeFrom(Headers)}, and without the fields named in {@code alsoRemoved} (lowercase): those a
     * sender sets in the head alone, such as a proxy's forwarding fields.
     */
    public static Headers removeFrom(Headers trailers, Set<String> alsoRemoved) {
        if (!hasAnyToDrop(trailers, alsoRemoved)) {
            return trailers;
        }
        if (alsoRemoved.isEmpty()) {
            return ConnectionOptions.removeWithNamed(trailers, NAMES);
        }
        Set<String> removed = new HashSet<>(NAMES);
        removed.addAll(alsoRemoved);
        return ConnectionOptions.removeWithNamed(trailers, removed);
    }

    /** Without a prohibited field there is no Connection either: the common case allocates nothing. */
    private static boolean hasAnyToDrop(Headers trailers, Set<String> alsoRemoved) {
        for (int i = 0; i < trailers.size(); i++) {
            String name = Ascii.toLowerCase(trailers.name(i));
            if (NAMES.contains(name) || alsoRemoved.contains(name)) {
                return true;
            }
        }
        return false;
    }
}
