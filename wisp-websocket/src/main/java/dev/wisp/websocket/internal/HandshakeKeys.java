package dev.wisp.websocket.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** The keys of the opening handshake (RFC 6455 §4.1, §4.2.2): {@code Sec-WebSocket-Key} and its accept value. */
public final class HandshakeKeys {
    /** The GUID of RFC 6455 §1.3, appended to the key before hashing. */
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    private HandshakeKeys() {
    }

    /** A fresh key: 16 random bytes in base64 (§4.1: "randomly selected"). */
    public static String newKey() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** Whether a received key is the base64 encoding of exactly 16 bytes (§4.2.1 item 5): 24 characters. */
    public static boolean isValidKey(String key) {
        if (key == null || key.length() != 24 || !key.endsWith("==")) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false; // not base64
        }
    }

    /** The {@code Sec-WebSocket-Accept} value for a key: base64 of the SHA-1 of key + GUID. */
    public static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-1", e);
        }
    }
}
