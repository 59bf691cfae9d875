package dev.wisp.http1;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderValidation;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.Status;
import dev.wisp.core.WireInput;
import java.io.IOException;

/**
 * Reads a field section (RFC 9112 §5): the header fields of a head, or the trailer fields after a chunked body,
 * up to and including the empty line that ends it. Strict: no whitespace between name and colon (§5.1), no bare CR,
 * no control characters in values. An obsolete line folding (obs-fold, §5.2) is rejected in a request, as a server
 * may (the strict choice: folded lines are a request smuggling vector), and replaced by a space in a response, as a
 * user agent must.
 *
 * <p>Immutable and thread-safe.
 */
final class FieldSectionReader {
    private final Http1Limits limits;
    private final Http1MessageType type;
    private final String what;
    private final Status tooLarge;
    /** Made once with the reader, not per section: a head's reader is made once per connection. */
    private final LineScanner.TooLong tooLong;

    /**
     * @param type the kind of message, which decides the status of a too-large section
     * @param what "header section" or "trailer section", for messages
     */
    FieldSectionReader(Http1Limits limits, Http1MessageType type, String what) {
        this.limits = limits;
        this.type = type;
        this.what = what;
        this.tooLarge = type.tooLargeStatus(Status.REQUEST_HEADER_FIELDS_TOO_LARGE);
        int maxHeaderBytes = limits.maxHeaderBytes();
        this.tooLong = () -> sectionTooLarge(tooLarge, what, maxHeaderBytes);
    }

    /**
     * @throws MalformedMessageException for a malformed field line
     * @throws MessageTooLargeException (431 in a request, 502 in a response) when the section crosses
     *     maxHeaderBytes or maxHeaderCount
     */
    Headers read(WireInput in) throws IOException {
        Headers.Builder headers = Headers.builder();
        int total = 0;
        int maxHeaderBytes = limits.maxHeaderBytes();
        while (true) {
            int remaining = maxHeaderBytes - total;
            int lf = LineScanner.scanLine(in, remaining, tooLong);
            byte[] buffer = in.buffer();
            int start = in.position();
            int end = LineScanner.contentEnd(in, lf);
            if (end == start) {
                // The empty line ends the section; the limit counts field lines only (see Http1Limits).
                in.skip(lf + 1 - start);
                return headers.build();
            }
            total += lf + 1 - start;
            if (total > maxHeaderBytes) {
                throw sectionTooLarge(tooLarge, what, maxHeaderBytes);
            }
            if (headers.size() == limits.maxHeaderCount()) {
                throw new MessageTooLargeException(tooLarge,
                        what + " has more than " + limits.maxHeaderCount() + " fields (maxHeaderCount)",
                        "maxHeaderCount", limits.maxHeaderCount());
            }
            if (type == Http1MessageType.RESPONSE && headers.size() > 0
                    && HeaderValidation.isWhitespace(buffer[start] & 0xff)) {
                continueField(buffer, start, end, headers, what);
            } else {
                parseFieldLine(buffer, start, end, headers, what);
            }
            in.skip(lf + 1 - start);
        }
    }

    private static MessageTooLargeException sectionTooLarge(Status status, String what, int limit) {
        return new MessageTooLargeException(status, what, limit, "maxHeaderBytes");
    }

    /** obs-fold = OWS CRLF RWS: the line continues the last field's value, after one space (RFC 9112 §5.2). */
    private static void continueField(byte[] buffer, int start, int end, Headers.Builder headers, String what)
            throws MalformedMessageException {
        int valueStart = start;
        while (valueStart < end && HeaderValidation.isWhitespace(buffer[valueStart])) {
            valueStart++;
        }
        int valueEnd = end;
        while (valueEnd > valueStart && HeaderValidation.isWhitespace(buffer[valueEnd - 1])) {
            valueEnd--;
        }
        try {
            headers.continueLast(buffer, valueStart, valueEnd - valueStart);
        } catch (IllegalArgumentException e) {
            int c = buffer[HeaderValidation.firstForbiddenValueByte(buffer, valueStart, valueEnd)] & 0xff;
            throw new MalformedMessageException((c == '\r' ? "bare CR" : "control character")
                    + " in a folded line of " + what);
        }
    }

    /** field-line = field-name ":" OWS field-value OWS */
    private static void parseFieldLine(byte[] buffer, int start, int end, Headers.Builder headers, String what)
            throws MalformedMessageException {
        int first = buffer[start] & 0xff;
        if (HeaderValidation.isWhitespace(first)) {
            // RFC 9112 §5.2: obs-fold is deprecated; a server must reject it (or replace it), we reject; a response's
            // folded lines are continued (read()), except one before any field, which continues nothing.
            throw new MalformedMessageException("obsolete line folding in " + what + ": '"
                    + Ascii.escape(buffer, start, end - start) + "'");
        }
        int colon = start;
        while (colon < end && HeaderValidation.isTokenChar(buffer[colon])) {
            colon++;
        }
        if (colon == end || buffer[colon] != ':') {
            int bad = colon < end ? buffer[colon] & 0xff : -1;
            if (HeaderValidation.isWhitespace(bad)) {
                // RFC 9112 §5.1: whitespace between name and colon must be rejected with 400 (smuggling vector).
                throw new MalformedMessageException("whitespace between field name and colon in " + what + ": '"
                        + Ascii.escape(buffer, start, end - start) + "'");
            }
            if (bad == '\r') {
                throw new MalformedMessageException("bare CR in " + what);
            }
            throw new MalformedMessageException("malformed field line in " + what + ": '"
                    + Ascii.escape(buffer, start, end - start) + "'");
        }
        if (colon == start) {
            throw new MalformedMessageException("empty field name in " + what + ": '"
                    + Ascii.escape(buffer, start, end - start) + "'");
        }
        int valueStart = colon + 1;
        while (valueStart < end && HeaderValidation.isWhitespace(buffer[valueStart])) {
            valueStart++;
        }
        int valueEnd = end;
        while (valueEnd > valueStart && HeaderValidation.isWhitespace(buffer[valueEnd - 1])) {
            valueEnd--;
        }
        String name = FieldNames.intern(buffer, start, colon - start);
        try {
            headers.add(name, buffer, valueStart, valueEnd - valueStart); // checks each byte of the value
        } catch (IllegalArgumentException e) {
            int c = buffer[HeaderValidation.firstForbiddenValueByte(buffer, valueStart, valueEnd)] & 0xff;
            throw new MalformedMessageException((c == '\r' ? "bare CR" : "control character") + " in the value of "
                    + Ascii.escape(name) + " in " + what);
        }
    }
}
