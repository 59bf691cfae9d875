package dev.wisp.http1;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderValidation;
import dev.wisp.core.MalformedMessageException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses Transfer-Encoding field values into lower-cased coding names (RFC 9112 §6.1 and §7, RFC 9110 §5.6),
 * strictly: a value another parser could read differently is an error, since that is how request smuggling works.
 *
 * <pre>
 * Transfer-Encoding  = #transfer-coding                      ; empty list elements are ignored
 * transfer-coding    = token *( OWS ";" OWS transfer-parameter )
 * transfer-parameter = token BWS "=" BWS ( token / quoted-string )
 * </pre>
 *
 * Parameters are checked and dropped. The chunked coding has none (RFC 9112 §7), so {@code chunked;x=1} is an
 * error rather than chunked or an unknown coding.
 */
final class TransferCodings {
    private TransferCodings() {
    }

    static List<String> parse(List<String> fields) throws MalformedMessageException {
        List<String> codings = new ArrayList<>(2);
        for (String field : fields) {
            parseField(field, codings);
        }
        if (codings.isEmpty()) {
            throw new MalformedMessageException("empty Transfer-Encoding");
        }
        return codings;
    }

    private static void parseField(String field, List<String> codings) throws MalformedMessageException {
        int length = field.length();
        int i = skipWhitespace(field, 0);
        while (i < length) {
            if (field.charAt(i) == ',') {
                i = skipWhitespace(field, i + 1);
                continue;
            }
            int nameEnd = skipToken(field, i);
            if (nameEnd == i) {
                throw invalid(field);
            }
            String name = Ascii.toLowerCase(field.substring(i, nameEnd));
            i = skipWhitespace(field, nameEnd);
            while (i < length && field.charAt(i) == ';') {
                if (name.equals("chunked")) {
                    throw new MalformedMessageException("chunked transfer coding takes no parameters: '"
                            + Ascii.escape(field) + "'");
                }
                i = skipParameter(field, skipWhitespace(field, i + 1));
            }
            if (i < length && field.charAt(i) != ',') {
                throw invalid(field);
            }
            codings.add(name);
        }
    }

    /** Skips {@code token BWS "=" BWS ( token / quoted-string ) OWS} and returns the index after it. */
    private static int skipParameter(String field, int start) throws MalformedMessageException {
        int nameEnd = skipToken(field, start);
        int i = skipWhitespace(field, nameEnd);
        if (nameEnd == start || i == field.length() || field.charAt(i) != '=') {
            throw invalid(field);
        }
        i = skipWhitespace(field, i + 1);
        int valueEnd = i < field.length() && field.charAt(i) == '"' ? skipQuotedString(field, i) : skipToken(field, i);
        if (valueEnd == i) {
            throw invalid(field);
        }
        return skipWhitespace(field, valueEnd);
    }

    /** quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE; returns start if it is unterminated. */
    private static int skipQuotedString(String field, int start) {
        for (int i = start + 1; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                i++;
            }
        }
        return start;
    }

    private static int skipToken(String field, int start) {
        int i = start;
        while (i < field.length() && HeaderValidation.isTokenChar(field.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipWhitespace(String field, int start) {
        int i = start;
        while (i < field.length() && HeaderValidation.isWhitespace(field.charAt(i))) {
            i++;
        }
        return i;
    }

    private static MalformedMessageException invalid(String field) {
        return new MalformedMessageException("invalid transfer coding: '" + Ascii.escape(field) + "'");
    }
}
