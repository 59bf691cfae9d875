package dev.wisp.tls.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;

/**
 * Writes the few ASN.1 DER elements needed to wrap PKCS#1 and SEC1 keys into PKCS#8 (X.690 §10). Each method
 * returns a complete element, so structures are written inside out: {@code sequence(integer(0), ...)}.
 *
 * <p>Stateless and thread-safe.
 */
public final class DerWriter {
    private DerWriter() {
    }

    /** A SEQUENCE of the given encoded elements. */
    public static byte[] sequence(byte[]... elements) {
        return tagged(DerReader.SEQUENCE, concat(elements));
    }

    /** An INTEGER. */
    public static byte[] integer(long value) {
        return tagged(DerReader.INTEGER, BigInteger.valueOf(value).toByteArray());
    }

    /** An OCTET STRING. */
    public static byte[] octetString(byte[] content) {
        return tagged(DerReader.OCTET_STRING, content);
    }

    /** A NULL. */
    public static byte[] nullValue() {
        return new byte[] {DerReader.NULL, 0};
    }

    /** An OBJECT IDENTIFIER from its dotted form. */
    public static byte[] objectIdentifier(String dotted) {
        String[] arcs = dotted.split("\\.");
        if (arcs.length < 2) {
            throw new IllegalArgumentException("object identifier needs two arcs: " + dotted);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeArc(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            writeArc(out, Long.parseLong(arcs[i]));
        }
        return tagged(DerReader.OBJECT_IDENTIFIER, out.toByteArray());
    }

    /** An element with the given tag around the given content, with a DER length. */
    public static byte[] tagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int count = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | count);
            for (int i = count - 1; i >= 0; i--) {
                out.write(length >>> (i * 8));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static void writeArc(ByteArrayOutputStream out, long value) {
        int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            int group = (int) (value >>> (i * 7)) & 0x7f;
            out.write(i == 0 ? group : group | 0x80);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
