package dev.wisp.http2;

import dev.wisp.core.Headers;
import dev.wisp.http2.FieldRules.Section;
import dev.wisp.http2.hpack.HpackField;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The trailer section of an HTTP/2 request or response (RFC 9113 §8.1): regular fields only, in a HEADERS frame that
 * ends the stream. Stateless and thread-safe.
 */
public final class TrailerFields {
    private TrailerFields() {
    }

    /**
     * A trailer section's decoded header block to headers, names lowercase as received.
     *
     * <p>Malformed: any pseudo-header field (§8.1), and the rules on regular fields of
     * {@link RequestFields#decode(List, int)}.
     *
     * @throws StreamException with PROTOCOL_ERROR if the trailers are malformed
     */
    public static Headers decode(List<HpackField> fields, int streamId) throws StreamException {
        Objects.requireNonNull(fields, "fields");
        return FieldRules.decodeRegular(fields, 0, Section.TRAILERS, streamId, Headers.builder()).build();
    }

    /**
     * Trailers to the fields to encode: names lowercased, without connection-specific fields (§8.2.2), those the
     * Connection field names, and a {@code te} other than {@code trailers}.
     */
    public static List<HpackField> encode(Headers trailers) {
        Objects.requireNonNull(trailers, "trailers");
        List<HpackField> out = new ArrayList<>(trailers.size());
        FieldRules.encodeRegular(trailers, false, null, out);
        return out;
    }
}
