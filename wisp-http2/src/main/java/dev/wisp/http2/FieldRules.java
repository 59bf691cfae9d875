package dev.wisp.http2;

import dev.wisp.core.Ascii;
import dev.wisp.core.ConnectionOptions;
import dev.wisp.core.ContentLength;
import dev.wisp.core.HeaderValidation;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.http2.hpack.HpackField;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The rules HTTP/2 sets on the regular fields of every field section (RFC 9113 §8.2), shared by
 * {@link RequestFields}, {@link ResponseFields} and {@link TrailerFields}: checking them on decode, where breaking one
 * makes the message malformed (§8.1.1), and following them on encode. Stateless.
 */
final class FieldRules {
    /** Which field section is decoded, for the messages and the few rules that differ. */
    enum Section {
        REQUEST("request"),
        RESPONSE("response"),
        TRAILERS("trailers");

        private final String text;

        Section(String text) {
            this.text = text;
        }
    }

    private FieldRules() {
    }

    /** A malformed message (§8.1.1): the stream is reset with PROTOCOL_ERROR. */
    static StreamException malformed(Section section, int streamId, String what, String rule) {
        return new StreamException(ErrorCode.PROTOCOL_ERROR, streamId,
                "malformed " + section.text + " on stream " + streamId + ": " + what + " (" + rule + ")");
    }

    /**
     * Checks the regular fields from {@code from} on and adds them to the headers, cookie fields joined into one for
     * a request (§8.2.3).
     */
    static Headers.Builder decodeRegular(List<HpackField> fields, int from, Section section, int streamId,
            Headers.Builder headers) throws StreamException {
        List<String> cookies = null;
        long contentLength = -1;
        for (int i = from; i < fields.size(); i++) {
            HpackField field = fields.get(i);
            String name = field.name();
            if (name.startsWith(":")) {
                throw malformed(section, streamId, section == Section.TRAILERS
                        ? "pseudo-header field '" + Ascii.escape(name) + "' in trailers"
                        : "pseudo-header field '" + Ascii.escape(name) + "' after a regular field",
                        section == Section.TRAILERS ? "RFC 9113 §8.1" : "RFC 9113 §8.3");
            }
            checkName(name, section, streamId);
            checkValue(name, field.value(), section, streamId);
            if (isConnectionSpecific(name)) {
                throw malformed(section, streamId, "connection-specific field '" + name + "'", "RFC 9113 §8.2.2");
            }
            if (name.equals("te") && !field.value().equalsIgnoreCase("trailers")) {
                throw malformed(section, streamId, "te field with a value other than 'trailers': '"
                        + Ascii.escape(field.value()) + "'", "RFC 9113 §8.2.2");
            }
            if (name.equals("content-length")) {
                try {
                    contentLength = ContentLength.fold(name, field.value(), contentLength);
                } catch (MalformedMessageException e) {
                    throw malformed(section, streamId, e.getMessage(), "RFC 9110 §8.6");
                }
            }
            if (section == Section.REQUEST && name.equals("cookie")) {
                cookies = cookies == null ? new ArrayList<>(4) : cookies;
                cookies.add(field.value());
            }
            headers.add(name, field.value());
        }
        if (cookies != null && cookies.size() > 1) {
            // §8.2.3: a peer may split the Cookie field into crumbs; joined again in place of the first one. An
            // empty crumb adds nothing, and would leave the joined value ending in a space.
            cookies.removeIf(String::isEmpty);
            headers.set("cookie", String.join("; ", cookies));
        }
        return headers;
    }

    /** §8.2.1: a field name is a token (RFC 9110 §5.1) without uppercase letters. */
    private static void checkName(String name, Section section, int streamId) throws StreamException {
        if (!HeaderValidation.isToken(name)) {
            throw malformed(section, streamId, "field name '" + Ascii.escape(name) + "' is not a token",
                    "RFC 9113 §8.2.1");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                throw malformed(section, streamId, "field name '" + Ascii.escape(name) + "' has uppercase letters",
                        "RFC 9113 §8.2.1");
            }
        }
    }

    /**
     * §8.2.1: no NUL, CR or LF, and no whitespace at either end; RFC 9110 §5.5 forbids the other controls too, and
     * {@link Headers} holds no value with one, so they are refused here as well.
     */
    static void checkValue(String name, String value, Section section, int streamId) throws StreamException {
        if (HeaderValidation.isFieldValue(value)) {
            return;
        }
        String what = "value of field '" + Ascii.escape(name) + "'";
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                throw malformed(section, streamId, what + " holds NUL, CR or LF: '" + Ascii.escape(value) + "'",
                        "RFC 9113 §8.2.1");
            }
        }
        for (int i = 0; i < value.length(); i++) {
            if (!HeaderValidation.isFieldValueChar(value.charAt(i))) {
                throw malformed(section, streamId, what + " holds a control or a character above 0xff: '"
                        + Ascii.escape(value) + "'", "RFC 9110 §5.5");
            }
        }
        throw malformed(section, streamId, what + " starts or ends with whitespace: '" + Ascii.escape(value) + "'",
                "RFC 9113 §8.2.1");
    }

    /** §8.2.2: the fields HTTP/1 uses to manage its connection, which HTTP/2 does without. */
    static boolean isConnectionSpecific(String lowercaseName) {
        return switch (lowercaseName) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" -> true;
            default -> false;
        };
    }

    /**
     * Appends the fields HTTP/2 may carry of these headers, names lowercased: without the connection-specific ones,
     * the fields the Connection field names (RFC 9110 §7.6.1) but {@code te}, a {@code te} other than
     * {@code trailers}, and any field named in {@code dropped} (lowercase); a request's Cookie split into crumbs
     * (§8.2.3).
     */
    static void encodeRegular(Headers headers, boolean splitCookies, String dropped, List<HpackField> out) {
        Set<String> named = ConnectionOptions.of(headers);
        for (int i = 0; i < headers.size(); i++) {
            String name = Ascii.toLowerCase(headers.name(i));
            String value = headers.value(i);
            // An HTTP/1.1 TE is named in Connection too (RFC 9110 §10.1.4), and HTTP/2 keeps "te: trailers".
            boolean te = name.equals("te");
            if (isConnectionSpecific(name) || name.equals(dropped) || (named.contains(name) && !te)
                    || (te && !value.equalsIgnoreCase("trailers"))) {
                continue;
            }
            if (splitCookies && name.equals("cookie")) {
                splitCookie(value, out);
            } else {
                out.add(new HpackField(name, value));
            }
        }
    }

    /**
     * §8.2.3: a Cookie may go out as one field per cookie-pair, so that each compresses on its own. Split on "; "
     * only where every crumb is a valid value on its own, so the peer joins them back to the same text.
     */
    private static void splitCookie(String value, List<HpackField> out) {
        if (value.contains("; ")) {
            String[] crumbs = value.split("; ", -1);
            boolean valid = true;
            for (String crumb : crumbs) {
                valid &= !crumb.isEmpty() && HeaderValidation.isFieldValue(crumb);
            }
            if (valid) {
                for (String crumb : crumbs) {
                    out.add(new HpackField("cookie", crumb));
                }
                return;
            }
        }
        out.add(new HpackField("cookie", value));
    }
}
