package dev.wisp.http2;

import dev.wisp.core.Headers;
import dev.wisp.core.ProhibitedTrailerFields;
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
     * {@link RequestFields#decode(List, int)}. A well-formed field that has no place in trailers
     * ({@link ProhibitedTrailerFields}: {@code content-length}, {@code host}, ...) is dropped, the rest kept, as over
     * HTTP/1.1 (RFC 9110 §6.5.2).
     *
     * @throws StreamException with PROTOCOL_ERROR if the trailers are malformed
     */
    public static Headers decode(List<HpackField> fields, int streamId) throws StreamException {
        Objects.requireNonNull(fields, "fields");
        return ProhibitedTrailerFields.removeFrom(
                FieldRules.decodeRegular(fields, 0, Section.TRAILERS, streamId, Headers.builder()).build());
    }

    /**
     * Trailers to the fields to encode: names lowercased, without the fields that have no place in trailers
     * ({@link ProhibitedTrailerFields}, RFC 9110 §6.5.1), among them the connection-specific ones (§8.2.2), and
     * without those a Connection field names.
     */
    public static List<HpackField> encode(Headers trailers) {
        Objects.requireNonNull(trailers, "trailers");
        List<HpackField> out = new ArrayList<>(trailers.size());
        FieldRules.encodeRegular(ProhibitedTrailerFields.removeFrom(trailers), false, null, out);
        return out;
    }
}
