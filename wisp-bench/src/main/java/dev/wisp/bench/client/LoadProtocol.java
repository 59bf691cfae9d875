package dev.wisp.bench.client;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;

/**
 * The protocol a run of the client benchmark measures, named by its ALPN id: {@code http/1.1} (plaintext, a pool
 * of keep-alive connections) or {@code h2} (HTTP/2 over TLS, chosen by ALPN, calls sharing a connection as
 * streams). Every client checks every response against it, so a library that falls back to HTTP/1.1 fails its
 * calls instead of being compared on the wrong protocol.
 */
enum LoadProtocol {
    HTTP_1_1("http/1.1"),
    H2("h2");

    private final String id;

    LoadProtocol(String id) {
        this.id = id;
    }

    /** The ALPN id, as {@code ClientLoad} takes and prints it. */
    String id() {
        return id;
    }

    static LoadProtocol of(String id) {
        for (LoadProtocol protocol : values()) {
            if (protocol.id.equals(id.toLowerCase(Locale.ROOT))) {
                return protocol;
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + id + "' (known: http/1.1 h2)");
    }

    /**
     * Checks the version a response came over.
     *
     * @param http2 whether the library says the response came over HTTP/2
     * @param reported the library's own name for that version, for the message
     * @throws IOException if it is not this protocol
     */
    void require(boolean http2, Object reported, URI uri) throws IOException {
        if (http2 != (this == H2)) {
            throw new IOException("GET " + uri + " came over " + reported + ", not " + id);
        }
    }
}
