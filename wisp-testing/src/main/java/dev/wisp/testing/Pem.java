package dev.wisp.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Writes PEM blocks (RFC 7468): base64 in lines of 64 characters between BEGIN and END lines. */
final class Pem {
    private Pem() {
    }

    static String encode(String label, byte[] der) {
        String body = new String(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encode(der),
                StandardCharsets.US_ASCII);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }
}
