package dev.wisp.http1;

import dev.wisp.core.Method;
import dev.wisp.core.Version;
import java.util.Objects;

/**
 * An HTTP/1.1 request line whose syntax was checked (RFC 9112 §3): the target is its text as received, not yet
 * parsed, which {@link Http1RequestReader#readHead(dev.wisp.core.WireInput, Http1RequestLine)} does.
 *
 * @param method the method
 * @param target the request target as received
 * @param version the version, a minor version above 1.1 read as 1.1
 */
public record Http1RequestLine(Method method, String target, Version version) {
    public Http1RequestLine {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(version, "version");
    }

    /** The line as a log shows it: method, target and version, separated by a space. */
    @Override
    public String toString() {
        return method + " " + target + " " + version.text();
    }
}
