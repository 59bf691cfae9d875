package dev.wisp.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The head of a request: method, target, version and header fields, as every protocol version carries them.
 *
 * @param method the request method
 * @param target the request target
 * @param version the version the message was sent with
 * @param headers the header fields, in order
 */
public record RequestHead(Method method, RequestTarget target, Version version, Headers headers) {
    public RequestHead {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(headers, "headers");
    }

    /**
     * The authority the client asked for: an absolute-form (or CONNECT) target's, which RFC 9112 §3.2.2 has a server
     * take in place of the Host field, else the first Host field (over HTTP/2, the {@code :authority}); empty for
     * neither.
     */
    public Optional<String> authority() {
        return target.authority().or(() -> headers.first(HeaderNames.HOST));
    }
}
