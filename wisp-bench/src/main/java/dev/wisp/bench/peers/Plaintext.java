package dev.wisp.bench.peers;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * The one exchange every peer serves: {@code GET /plaintext} answered with {@code 200}, {@code text/plain} and
 * the 13-byte body {@code Hello, World!}, with a {@code Content-Length}. Other paths get {@code 404}.
 */
final class Plaintext {
    static final String PATH = "/plaintext";
    static final String CONTENT_TYPE = "text/plain";
    static final String TEXT = "Hello, World!";
    static final String HOST = "127.0.0.1";

    private Plaintext() {
    }

    /** A fresh copy of the body bytes; each peer keeps its own. */
    static byte[] body() {
        return TEXT.getBytes(US_ASCII);
    }
}
