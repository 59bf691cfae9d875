package dev.wisp.http1;

import dev.wisp.core.Headers;
import dev.wisp.core.RequestHead;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.core.WireOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes HTTP/1.1 heads: a status line or request line, the fields, and the empty line. Names and values were
 * validated when they entered {@link Headers}, so they are written as they are. Buffered in the
 * {@link WireOutput}; nothing reaches the socket until it is flushed.
 *
 * <p>Stateless and thread-safe.
 */
public final class Http1HeadWriter {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] COLON_SPACE = {':', ' '};
    /** Status lines for codes 100..599 with their standard reasons, so the hot path copies bytes only. */
    private static final Status[] STANDARD = new Status[600];
    private static final byte[][] STATUS_LINES = new byte[600][];

    static {
        for (int code = 100; code < STANDARD.length; code++) {
            STANDARD[code] = Status.of(code);
            STATUS_LINES[code] = ("HTTP/1.1 " + STANDARD[code] + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private Http1HeadWriter() {
    }

    /** Writes a response head. The version on the wire is always HTTP/1.1 (RFC 9110 §6.2). */
    public static void writeResponseHead(WireOutput out, ResponseHead head) throws IOException {
        writeStatusLine(out, head.status());
        writeFields(out, head.headers());
        out.write(CRLF);
    }

    /** Writes a status line, e.g. for an interim 100 Continue, without fields. */
    public static void writeStatusLine(WireOutput out, Status status) throws IOException {
        int code = status.code();
        if (code < STANDARD.length && STANDARD[code].reason().equals(status.reason())) {
            out.write(STATUS_LINES[code]);
        } else {
            out.writeLatin1("HTTP/1.1 " + code + " " + status.reason() + "\r\n");
        }
    }

    /** Writes a request head with the target as given (origin, absolute, authority or asterisk form). */
    public static void writeRequestHead(WireOutput out, RequestHead head) throws IOException {
        out.writeLatin1(head.method().name());
        out.write(' ');
        out.writeLatin1(head.target().raw());
        out.write(' ');
        out.writeLatin1(head.version() == Version.HTTP_1_0 ? "HTTP/1.0" : "HTTP/1.1");
        out.write(CRLF);
        writeFields(out, head.headers());
        out.write(CRLF);
    }

    /** Writes field lines without the closing empty line; also used for trailers. */
    public static void writeFields(WireOutput out, Headers headers) throws IOException {
        for (int i = 0; i < headers.size(); i++) {
            out.writeLatin1(headers.name(i));
            out.write(COLON_SPACE);
            out.writeLatin1(headers.value(i));
            out.write(CRLF);
        }
    }
}
