package dev.wisp.tls.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes the few ASN.1 DER elements needed to wrap PKCS#1 and SEC1 keys into PKCS#8 and to write an X.509
 * certificate (X.690 §10). Each method returns a complete element, so structures are written inside out:
 * {@code sequence(integer(0), ...)}.
 *
 * <p>Stateless and thread-safe.
 */
public final class DerWriter {
    /** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, both in seconds and in UTC. */
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Instant FIRST_UTC = Instant.parse("1950-01-01T00:00:00Z");
    private static final Instant FIRST_GENERALIZED = Instant.parse("2050-01-01T00:00:00Z");

    private DerWriter() {
    }

    /** A SEQUENCE of the given encoded elements. */
    public static byte[] sequence(byte[]... elements) {
        return tagged(DerReader.SEQUENCE, concat(elements));
    }

    /** A SET of the given encoded elements, which the caller gives in DER order (X.690 §10.3). */
    public static byte[] set(byte[]... elements) {
        return tagged(DerReader.SET, concat(elements));
    }

    /** An INTEGER. */
    public static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    /** An INTEGER; {@link BigInteger#toByteArray()} is already the minimal two's complement form. */
    public static byte[] integer(BigInteger value) {
        return tagged(DerReader.INTEGER, value.toByteArray());
    }

    /** A BOOLEAN: DER writes TRUE as 0xff (X.690 §11.1). */
    public static byte[] bool(boolean value) {
        return new byte[] {DerReader.BOOLEAN, 1, (byte) (value ? 0xff : 0)};
    }

    /** A BIT STRING of whole bytes (no unused bits). */
    public static byte[] bitString(byte[] content) {
        return bitString(content, 0);
    }

    /**
     * A BIT STRING whose last byte has {@code unusedBits} low bits that are not part of it; DER wants those bits zero
     * and, for named bit lists such as KeyUsage, no trailing zero bits (X.690 §11.2.2).
     */
    public static byte[] bitString(byte[] content, int unusedBits) {
        if (unusedBits < 0 || unusedBits > 7 || unusedBits > 0 && content.length == 0) {
            throw new IllegalArgumentException("unusedBits must be 0..7, and 0 for an empty BIT STRING: " + unusedBits);
        }
        byte[] withCount = new byte[content.length + 1];
        withCount[0] = (byte) unusedBits;
        System.arraycopy(content, 0, withCount, 1, content.length);
        return tagged(DerReader.BIT_STRING, withCount);
    }

    /** A UTF8String. */
    public static byte[] utf8String(String text) {
        return tagged(DerReader.UTF8_STRING, text.getBytes(StandardCharsets.UTF_8));
    }

    /** An X.509 Time (RFC 5280 §4.1.2.5): UTCTime before 2050, GeneralizedTime from then on; seconds only. */
    public static byte[] time(Instant instant) {
        if (instant.isBefore(FIRST_UTC)) {
            throw new IllegalArgumentException("X.509 times start in 1950: " + instant);
        }
        boolean utc = instant.isBefore(FIRST_GENERALIZED);
        String text = (utc ? UTC_TIME : GENERALIZED_TIME).format(instant);
        return tagged(utc ? DerReader.UTC_TIME : DerReader.GENERALIZED_TIME, text.getBytes(StandardCharsets.US_ASCII));
    }

    /** An EXPLICIT context-specific tag {@code [number]} around a complete element (X.690 §8.14). */
    public static byte[] explicit(int number, byte[] element) {
        if (number < 0 || number > 30) {
            throw new IllegalArgumentException("context tag number must be 0..30: " + number);
        }
        return tagged(0xa0 | number, element);
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
