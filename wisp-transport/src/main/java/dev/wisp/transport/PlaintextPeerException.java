package dev.wisp.transport;

import javax.net.ssl.SSLException;

/**
 * The peer of a TLS server spoke plaintext: its first byte is an ASCII letter, which no TLS record starts with
 * (a record's first byte is its content type, 20 to 23; an old SSLv2-style hello's has its top bit set). Mostly an
 * {@code http://} URL sent to an HTTPS port, which the server can then answer in plaintext
 * ({@link TlsTransport#answerPlaintextPeer}) rather than with a TLS alert the client cannot read. Thrown before
 * the engine sees the bytes, so it has no alert to send.
 */
public final class PlaintextPeerException extends SSLException {
    private static final long serialVersionUID = 1L;

    PlaintextPeerException() {
        super("the peer spoke plaintext, not TLS");
    }

    /** Whether a TLS server's first byte from its peer says the peer speaks plaintext, as above. */
    static boolean isPlaintextStart(byte first) {
        return (first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z');
    }
}
