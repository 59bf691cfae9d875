package dev.wisp.core;

import java.util.Objects;

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
}
