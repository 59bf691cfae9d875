package dev.wisp.client;

/**
 * Whether the connections of a {@link Client} speak HTTP/2 (RFC 9113), set with
 * {@link ClientConfig.Builder#http2(Http2Mode)}. Over HTTP/2 the calls to one origin share a connection, each on a
 * stream of its own; nothing else changes for the caller. A {@link ClientConnection} speaks HTTP/1.1 unless the mode
 * is {@link #PRIOR_KNOWLEDGE} (see there); a WebSocket opens as a stream of a pooled HTTP/2 connection whose server
 * takes it (RFC 8441, {@link ClientConfig#webSocketsOverHttp2()}), and otherwise on an HTTP/1.1 connection of its own.
 */
public enum Http2Mode {
    /** HTTP/1.1 only: ALPN offers {@code http/1.1} alone. */
    OFF,
    /**
     * The default: over TLS, ALPN offers {@code h2} and {@code http/1.1} and the server chooses (RFC 9113 §3.2), as
     * browsers, curl, OkHttp and the JDK's client do; plaintext connections speak HTTP/1.1.
     */
    NEGOTIATE,
    /**
     * As {@link #NEGOTIATE} over TLS; in plaintext, HTTP/2 from the first byte without asking (h2c "with prior
     * knowledge", RFC 9113 §3.3), for servers known to speak it (curl's {@code --http2-prior-knowledge}). A server
     * that does not fails the call. Not through an HTTP proxy that forwards plaintext requests: those go as HTTP/1.1.
     * The one mode in which a {@link ClientConnection} offers HTTP/2 (by ALPN over TLS, from the first byte in
     * plaintext): its calls then run as streams of it.
     */
    PRIOR_KNOWLEDGE
}
