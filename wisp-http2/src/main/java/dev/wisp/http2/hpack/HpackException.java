package dev.wisp.http2.hpack;

import java.io.IOException;
import java.util.Objects;

/**
 * A header block that breaks RFC 7541 or crosses one of the decoder's limits. A block that breaks RFC 7541 is a
 * connection error of type COMPRESSION_ERROR (RFC 9113 §4.3): the peer's dynamic table and ours may differ from then
 * on, so the decoder that threw cannot be used again. A block that only crossed a limit ({@link #isPastLimit()}) was
 * read to its end with its fields dropped, so the tables stay in step and only that message is refused.
 * {@link #reason()} says what was wrong; the message says where, and for a limit which one.
 */
public final class HpackException extends IOException {
    /** What was wrong with the header block. */
    public enum Reason {
        /** An index of 0, or beyond the static and dynamic tables (RFC 7541 §2.3.3). */
        INVALID_INDEX,
        /** An integer above 2^31-1, or with more continuation bytes than such a value needs (RFC 7541 §5.1). */
        INTEGER_OVERFLOW,
        /** The block ends inside an integer or a string. */
        TRUNCATED,
        /** Huffman padding longer than 7 bits or not all ones, or the EOS symbol inside a string (RFC 7541 §5.2). */
        INVALID_HUFFMAN,
        /** A dynamic table size update after a field, or above the acknowledged maximum (RFC 7541 §4.2, §6.3). */
        INVALID_TABLE_SIZE_UPDATE,
        /** A block that does not start with the table size update owed since the maximum was lowered (§4.2). */
        MISSING_TABLE_SIZE_UPDATE,
        /** A name or value longer than the decoder's {@code maxStringLength}. */
        STRING_TOO_LONG,
        /** The decoded fields add up to more than the decoder's {@code maxHeaderListSize} (RFC 9113 §6.5.2). */
        HEADER_LIST_TOO_LARGE
    }

    private final Reason reason;

    public HpackException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** What was wrong. */
    public Reason reason() {
        return reason;
    }

    /**
     * Whether the block only crossed {@code maxStringLength} or {@code maxHeaderListSize}: the decoder read it to its
     * end and goes on, and the message it carried is refused, not the connection.
     */
    public boolean isPastLimit() {
        return reason == Reason.STRING_TOO_LONG || reason == Reason.HEADER_LIST_TOO_LARGE;
    }
}
