package dev.wisp.tls.internal;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * A strict reader of ASN.1 DER (ITU-T X.690 §10): definite, minimally encoded lengths only, single-byte tags
 * only, no reading past the end. Enough for the key structures of PKCS#1, PKCS#8 and SEC1.
 *
 * <p>Not thread-safe; a reader is used once by one thread. Any malformed input throws {@link DerException}.
 */
public final class DerReader {
    /** Universal tags used by the key and certificate formats. */
    public static final int BOOLEAN = 0x01;
    public static final int INTEGER = 0x02;
    public static final int BIT_STRING = 0x03;
    public static final int OCTET_STRING = 0x04;
    public static final int NULL = 0x05;
    public static final int OBJECT_IDENTIFIER = 0x06;
    public static final int UTF8_STRING = 0x0c;
    public static final int UTC_TIME = 0x17;
    public static final int GENERALIZED_TIME = 0x18;
    public static final int SEQUENCE = 0x30;
    public static final int SET = 0x31;

    private final byte[] bytes;
    private int position;
    private final int end;

    /** A reader over the whole array. */
    public DerReader(byte[] bytes) {
        this(bytes, 0, bytes.length);
    }

    private DerReader(byte[] bytes, int start, int end) {
        this.bytes = bytes;
        this.position = start;
        this.end = end;
    }

    /** Whether elements remain before the end of this reader's range. */
    public boolean hasMore() {
        return position < end;
    }

    /** The tag of the next element, without consuming it. */
    public int peekTag() {
        if (position >= end) {
            throw new DerException("unexpected end of DER data");
        }
        return bytes[position] & 0xff;
    }

    /** Reads a SEQUENCE and returns a reader over its contents. */
    public DerReader sequence() {
        return constructed(SEQUENCE);
    }

    /** Reads a constructed element with the given tag (a SEQUENCE or a context tag) and returns its contents. */
    public DerReader constructed(int tag) {
        int length = header(tag);
        DerReader inner = new DerReader(bytes, position, position + length);
        position += length;
        return inner;
    }

    /** Reads an INTEGER. */
    public BigInteger integer() {
        byte[] content = primitive(INTEGER);
        if (content.length == 0) {
            throw new DerException("empty DER INTEGER");
        }
        // X.690 §8.3.2: the first nine bits of a multi-byte INTEGER are never all zeros or all ones.
        if (content.length > 1 && (content[0] == 0 && content[1] >= 0 || content[0] == -1 && content[1] < 0)) {
            throw new DerException("DER INTEGER is not minimally encoded");
        }
        return new BigInteger(content);
    }

    /** Reads an OCTET STRING. */
    public byte[] octetString() {
        return primitive(OCTET_STRING);
    }

    /** Reads a BIT STRING that has no unused bits, returning its bytes. */
    public byte[] bitString() {
        byte[] content = primitive(BIT_STRING);
        if (content.length == 0 || content[0] != 0) {
            throw new DerException("DER BIT STRING with unused bits");
        }
        return Arrays.copyOfRange(content, 1, content.length);
    }

    /** Reads a NULL. */
    public void readNull() {
        if (primitive(NULL).length != 0) {
            throw new DerException("DER NULL with content");
        }
    }

    /** Reads an OBJECT IDENTIFIER in dotted form ({@code 1.2.840.10045.3.1.7}). */
    public String objectIdentifier() {
        byte[] content = primitive(OBJECT_IDENTIFIER);
        if (content.length == 0 || (content[content.length - 1] & 0x80) != 0) {
            throw new DerException("truncated DER OBJECT IDENTIFIER");
        }
        StringBuilder text = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (int i = 0; i < content.length; i++) {
            int b = content[i] & 0xff;
            if (value == 0 && b == 0x80) {
                throw new DerException("DER OBJECT IDENTIFIER is not minimally encoded");
            }
            if (value > (Long.MAX_VALUE >> 7)) {
                throw new DerException("DER OBJECT IDENTIFIER arc too large");
            }
            value = (value << 7) | (b & 0x7f);
            if ((b & 0x80) == 0) {
                if (first) {
                    // X.690 §8.19.4: the first two arcs share one subidentifier, 40 * X + Y.
                    long top = Math.min(value / 40, 2);
                    text.append(top).append('.').append(value - top * 40);
                    first = false;
                } else {
                    text.append('.').append(value);
                }
                value = 0;
            }
        }
        return text.toString();
    }

    /** Reads a whole element (tag, length and content) and returns its encoding. */
    public byte[] element() {
        int start = position;
        position++;
        int length = length();
        position += length;
        return Arrays.copyOfRange(bytes, start, position);
    }

    /** Fails unless every byte of this reader's range was read. */
    public void expectEnd() {
        if (position != end) {
            throw new DerException((end - position) + " unexpected bytes after DER structure");
        }
    }

    /** Reads a primitive element with the given tag (a string, or a context tag) and returns its content. */
    public byte[] primitive(int tag) {
        int length = header(tag);
        byte[] content = Arrays.copyOfRange(bytes, position, position + length);
        position += length;
        return content;
    }

    private int header(int tag) {
        int actual = peekTag();
        if (actual != tag) {
            throw new DerException(String.format("expected DER tag 0x%02x, found 0x%02x", tag, actual));
        }
        position++;
        return length();
    }

    /*
     * X.690 §8.1.3 length octets, DER form:
     *   0xxxxxxx                      short form, length 0..127
     *   1nnnnnnn  n bytes, big-endian long form, only for lengths above 127, no leading zero byte
     *   10000000                      indefinite form: not allowed in DER
     */
    private int length() {
        if (position >= end) {
            throw new DerException("truncated DER length");
        }
        int first = bytes[position++] & 0xff;
        int length;
        if (first < 0x80) {
            length = first;
        } else {
            int count = first & 0x7f;
            if (count == 0) {
                throw new DerException("indefinite DER length");
            }
            if (count > 3 || position + count > end) {
                throw new DerException("DER length too large");
            }
            length = 0;
            for (int i = 0; i < count; i++) {
                length = (length << 8) | (bytes[position++] & 0xff);
            }
            if (length < 0x80 || (count > 1 && length >> ((count - 1) * 8) == 0)) {
                throw new DerException("DER length is not minimally encoded");
            }
        }
        if (length > end - position) {
            throw new DerException("DER element of " + length + " bytes exceeds its " + (end - position)
                    + " remaining");
        }
        return length;
    }
}
