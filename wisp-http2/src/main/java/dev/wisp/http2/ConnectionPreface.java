package dev.wisp.http2;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * The client connection preface (RFC 9113 §3.4): 24 fixed bytes a client sends first, followed by its SETTINGS
 * frame. A server can choose HTTP/2 by them on a connection without ALPN.
 */
public final class ConnectionPreface {
    /** The preface as text: {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}. */
    public static final String TEXT = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    /** Its length in bytes: 24. */
    public static final int LENGTH = 24;

    private static final byte[] BYTES = TEXT.getBytes(US_ASCII);

    private ConnectionPreface() {
    }

    /** The preface's bytes, a fresh copy. */
    public static byte[] bytes() {
        return BYTES.clone();
    }

    /** The preface's byte at {@code index}, for a reader that compares as bytes arrive. */
    static int byteAt(int index) {
        return BYTES[index] & 0xff;
    }
}
