package dev.wisp.http2;

import static dev.wisp.http2.FieldRules.malformed;

import dev.wisp.core.Ascii;
import dev.wisp.core.Headers;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.http2.FieldRules.Section;
import dev.wisp.http2.hpack.HpackField;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The field section of an HTTP/2 response (RFC 9113 §8.3.2) to a {@link ResponseHead} and back: the pseudo-header
 * field {@code :status}, then the regular fields. Stateless and thread-safe.
 */
public final class ResponseFields {
    private ResponseFields() {
    }

    /**
     * Server side: a response's status and headers to the fields to encode: {@code :status} first, then the regular
     * fields lowercased, without connection-specific ones (§8.2.2), those the Connection field names, and a
     * {@code te} other than {@code trailers}.
     *
     * @throws IllegalArgumentException for status 101, which HTTP/2 does not have (§8.6)
     */
    public static List<HpackField> encode(Status status, Headers headers) {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(headers, "headers");
        if (status.code() == 101) {
            throw new IllegalArgumentException("HTTP/2 has no 101 (Switching Protocols) response (RFC 9113 §8.6)");
        }
        List<HpackField> out = new ArrayList<>(headers.size() + 1);
        out.add(new HpackField(":status", Integer.toString(status.code())));
        FieldRules.encodeRegular(headers, false, null, out);
        return out;
    }

    /**
     * Client side: a response's decoded header block to a response head (version HTTP/2), interim (1xx) or final.
     * The status has the reason phrase {@link Status#of(int)} gives, since HTTP/2 sends none.
     *
     * <p>Malformed: a missing, repeated, late or unknown pseudo-header field; a {@code :status} other than three
     * digits from 100, or 101 (§8.6); and the rules on regular fields of {@link RequestFields#decode(List, int)}.
     *
     * @throws StreamException with PROTOCOL_ERROR if the response is malformed
     */
    public static ResponseHead decode(List<HpackField> fields, int streamId) throws StreamException {
        Objects.requireNonNull(fields, "fields");
        Status status = null;
        int regular = 0;
        for (; regular < fields.size() && fields.get(regular).name().startsWith(":"); regular++) {
            HpackField field = fields.get(regular);
            if (!field.name().equals(":status")) {
                throw malformed(Section.RESPONSE, streamId, "pseudo-header field '" + Ascii.escape(field.name())
                        + "' is not one of a response", "RFC 9113 §8.3");
            }
            if (status != null) {
                throw malformed(Section.RESPONSE, streamId, "repeated pseudo-header field :status", "RFC 9113 §8.3");
            }
            status = status(field.value(), streamId);
        }
        if (status == null) {
            throw malformed(Section.RESPONSE, streamId, "response without :status", "RFC 9113 §8.3.2");
        }
        Headers headers = FieldRules.decodeRegular(fields, regular, Section.RESPONSE, streamId, Headers.builder())
                .build();
        return new ResponseHead(Version.HTTP_2, status, headers);
    }

    /** §8.3.2: :status is the three-digit code (RFC 9110 §15), 101 aside (§8.6). */
    private static Status status(String value, int streamId) throws StreamException {
        boolean digits = value.length() == 3;
        for (int i = 0; i < value.length() && digits; i++) {
            digits = value.charAt(i) >= '0' && value.charAt(i) <= '9';
        }
        if (!digits || value.charAt(0) == '0') {
            throw malformed(Section.RESPONSE, streamId, ":status '" + Ascii.escape(value)
                    + "' is not a three-digit code from 100", "RFC 9113 §8.3.2");
        }
        int code = Integer.parseInt(value);
        if (code == 101) {
            throw malformed(Section.RESPONSE, streamId, "status 101 (Switching Protocols)", "RFC 9113 §8.6");
        }
        return Status.of(code);
    }
}
