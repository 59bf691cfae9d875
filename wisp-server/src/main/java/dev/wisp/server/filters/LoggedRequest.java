package dev.wisp.server.filters;

import dev.wisp.core.Headers;
import dev.wisp.core.IpAddresses;
import dev.wisp.core.Version;
import dev.wisp.server.RefusedRequest;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;

/**
 * What the access log writes of one request, in every format: of an exchange the filter saw end, or of a request the
 * server refused before the filters. A refused request line that is not three parts (what arrived of a malformed
 * one) has no method and protocol, and is the target as a whole.
 *
 * @param remoteAddress the client's address as text
 * @param method the method, or null if unknown
 * @param target the target as received, or null if nothing of the request line arrived
 * @param protocol the protocol as Wisp names it ({@code HTTP/1.1}, {@code HTTP/2}), or null if unknown
 * @param headers the request's fields, empty if unknown
 * @param status the status code the client was sent
 * @param contentBytes the bytes of content the client was sent
 * @param nanos how long the exchange took
 * @param completed whether the exchange ended without a failure
 */
record LoggedRequest(String remoteAddress, String method, String target, String protocol, Headers headers,
        int status, long contentBytes, long nanos, boolean completed) {

    /** nginx's status for a request whose client closed it before any response was sent. */
    static final int CLIENT_CLOSED_REQUEST = 499;

    static LoggedRequest of(ServerRequest request, ServerResponse response, long nanos, boolean completed) {
        // A client that left before any response went out (a cancelled HTTP/2 stream, a dropped upload) got no
        // status: nginx's 499 says so, where the response's unsent 200 looked like an answer to log readers.
        int status = !completed && !response.isCommitted() && request.hasClientLeft() ? CLIENT_CLOSED_REQUEST
                : response.status().code();
        return new LoggedRequest(IpAddresses.text(request.connection().remoteAddress().getAddress()),
                request.method().toString(), request.target().raw(), request.protocol().text(), request.headers(),
                status, response.contentBytesSent(), nanos, completed);
    }

    static LoggedRequest of(RefusedRequest refused) {
        String remote = IpAddresses.text(refused.connection().remoteAddress().getAddress());
        String line = refused.requestLine();
        int methodEnd = line.indexOf(' ');
        int targetEnd = line.indexOf(' ', methodEnd + 1);
        boolean threeParts = methodEnd > 0 && targetEnd > methodEnd + 1 && line.indexOf(' ', targetEnd + 1) < 0
                && targetEnd < line.length() - 1;
        String method = threeParts ? line.substring(0, methodEnd) : null;
        String target = threeParts ? line.substring(methodEnd + 1, targetEnd) : line.isEmpty() ? null : line;
        String protocol = threeParts ? line.substring(targetEnd + 1) : null;
        return new LoggedRequest(remote, method, target, protocol, refused.headers(), refused.status().code(),
                refused.contentBytes(), refused.nanos(), true);
    }

    /**
     * The request line as a log shows it, {@code "-"} if none arrived.
     *
     * @param apacheProtocol whether HTTP/2 is written {@code HTTP/2.0}, as Apache and nginx write it and the tools
     *     that read their logs expect
     */
    String requestLine(boolean apacheProtocol) {
        if (method == null) {
            return target == null ? "-" : target;
        }
        return method + ' ' + target + ' ' + protocol(apacheProtocol);
    }

    /** The protocol, {@code HTTP/2.0} for HTTP/2 if {@code apacheProtocol}; null if unknown. */
    String protocol(boolean apacheProtocol) {
        return apacheProtocol && Version.HTTP_2.text().equals(protocol) ? "HTTP/2.0" : protocol;
    }
}
