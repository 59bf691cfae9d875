package dev.wisp.testing;

import dev.wisp.core.Headers;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP/1.1 response as a {@link RawPeer} received it: the parsed status, headers, decoded body and trailers,
 * and the exact bytes from the wire, so a test can compare the whole response with a text block through
 * {@link #text()}.
 *
 * <p>Immutable.
 */
public final class RawResponse {
    private static final Pattern DATE_LINE = Pattern.compile(
            "(?m)^Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT(?=\r\n)");

    private final String version;
    private final int status;
    private final String reason;
    private final Headers headers;
    private final byte[] body;
    private final Headers trailers;
    private final String wire;
    private final int headLength;

    RawResponse(String version, int status, String reason, Headers headers, byte[] body, Headers trailers,
            byte[] wire, int headLength) {
        this.version = version;
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.body = body.clone();
        this.trailers = trailers;
        this.wire = new String(wire, StandardCharsets.ISO_8859_1);
        this.headLength = headLength;
    }

    /** The version of the status line, e.g. {@code HTTP/1.1}. */
    public String version() {
        return version;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    /** Whether this is an interim (1xx) response, after which the final one follows. */
    public boolean isInterim() {
        return status < 200;
    }

    public Headers headers() {
        return headers;
    }

    /** The first value of a header field. */
    public Optional<String> header(String name) {
        return headers.first(name);
    }

    /** The body with its framing removed; empty for a head read alone and for responses without content. */
    public byte[] body() {
        return body.clone();
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The trailer fields of a chunked body; empty otherwise. */
    public Headers trailers() {
        return trailers;
    }

    /** The response exactly as it came off the wire, one char per byte, framing and CRLFs included. */
    public String wire() {
        return wire;
    }

    /**
     * The response as it came off the wire, except that the value of a well-formed Date header (an IMF-fixdate)
     * is replaced by {@code <date>}, so the whole response can be compared with a text block. A Date that is not
     * an IMF-fixdate is kept, and fails the comparison.
     */
    public String text() {
        String head = wire.substring(0, headLength);
        Matcher date = DATE_LINE.matcher(head);
        if (date.find()) {
            head = head.substring(0, date.start()) + "Date: <date>" + head.substring(date.end());
        }
        return head + wire.substring(headLength);
    }

    @Override
    public String toString() {
        return text();
    }
}
