package dev.wisp.tls.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Writes one PEM block (RFC 7468 §2): the BEGIN line, the base64 of the DER in lines of 64 characters, the END line,
 * each ended by a line feed. Stateless and thread-safe; {@link PemParser} reads what it writes.
 */
public final class PemWriter {
    private static final Base64.Encoder LINES = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private PemWriter() {
    }

    /** The PEM text of a block, such as {@code write("CERTIFICATE", der)}. */
    public static String write(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + LINES.encodeToString(der) + "\n-----END " + label + "-----\n";
    }
}
