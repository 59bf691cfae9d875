package dev.wisp.core;

import java.util.Objects;

/**
 * The head of a response: version, status and header fields.
 *
 * @param version the version the message was sent with
 * @param status the status code and reason phrase
 * @param headers the header fields, in order
 */
public record ResponseHead(Version version, Status status, Headers headers) {
    public ResponseHead {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(headers, "headers");
    }
}
