package dev.wisp.http2.hpack;

import java.util.Objects;

/**
 * One header field as HPACK carries it: a name and a value of bytes 0-255, one char per byte (ISO-8859-1), with no
 * validation. HTTP/2 rules on fields (lowercase names, pseudo-header order, forbidden connection-specific fields,
 * RFC 9113 §8.2) are checked by the HTTP/2 layer, not here.
 *
 * @param name the field name; HTTP/2 requires it lowercase, which this record does not check
 * @param value the field value
 * @param sensitive true if the field must never be put in a compression table (RFC 7541 §6.2.3, §7.1.3): set by
 *        the caller for the encoder, and by the decoder for a field the peer sent as "never indexed", so that an
 *        intermediary passes it on the same way
 */
public record HpackField(String name, String value, boolean sensitive) {
    public HpackField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** A field that may be indexed. */
    public HpackField(String name, String value) {
        this(name, value, false);
    }

    /** The size the field counts for in a dynamic table and in a header list: name, value and 32 (RFC 7541 §4.1). */
    public int size() {
        return name.length() + value.length() + 32;
    }
}
