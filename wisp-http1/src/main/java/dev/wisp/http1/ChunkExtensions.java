package dev.wisp.http1;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderValidation;
import dev.wisp.core.MalformedMessageException;

/**
 * Checks chunk extensions (RFC 9112 §7.1.1) and ignores them, as a recipient may; a malformed one is an error,
 * since lenient parsing of chunk lines is one of the request smuggling families.
 *
 * <pre>
 * chunk-ext      = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
 * chunk-ext-val  = token / quoted-string
 * </pre>
 */
final class ChunkExtensions {
    private ChunkExtensions() {
    }

    static void check(byte[] buffer, int from, int to, int lineStart) throws MalformedMessageException {
        int i = skipWhitespace(buffer, from, to);
        while (i < to) {
            if (buffer[i] != ';') {
                throw malformed(buffer, lineStart, to);
            }
            i = skipWhitespace(buffer, i + 1, to);
            int nameStart = i;
            while (i < to && HeaderValidation.isTokenChar(buffer[i])) {
                i++;
            }
            if (i == nameStart) {
                throw malformed(buffer, lineStart, to);
            }
            i = skipWhitespace(buffer, i, to);
            if (i < to && buffer[i] == '=') {
                i = skipWhitespace(buffer, i + 1, to);
                i = i < to && buffer[i] == '"' ? skipQuotedString(buffer, i, to, lineStart) : skipToken(buffer, i, to,
                        lineStart);
                i = skipWhitespace(buffer, i, to);
            }
        }
    }

    private static int skipToken(byte[] buffer, int from, int to, int lineStart) throws MalformedMessageException {
        int i = from;
        while (i < to && HeaderValidation.isTokenChar(buffer[i])) {
            i++;
        }
        if (i == from) {
            throw malformed(buffer, lineStart, to);
        }
        return i;
    }

    /** quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 §5.6.4) */
    private static int skipQuotedString(byte[] buffer, int from, int to, int lineStart)
            throws MalformedMessageException {
        int i = from + 1;
        while (i < to) {
            int c = buffer[i] & 0xff;
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                i++;
                if (i == to || !HeaderValidation.isFieldValueChar(buffer[i] & 0xff)) {
                    throw malformed(buffer, lineStart, to);
                }
            } else if (!HeaderValidation.isFieldValueChar(c)) {
                throw malformed(buffer, lineStart, to);
            }
            i++;
        }
        throw malformed(buffer, lineStart, to);
    }

    private static int skipWhitespace(byte[] buffer, int from, int to) {
        int i = from;
        while (i < to && HeaderValidation.isWhitespace(buffer[i])) {
            i++;
        }
        return i;
    }

    private static MalformedMessageException malformed(byte[] buffer, int start, int end) {
        return new MalformedMessageException("malformed chunk-size line: '" + Ascii.escape(buffer, start,
                end - start) + "'");
    }
}
