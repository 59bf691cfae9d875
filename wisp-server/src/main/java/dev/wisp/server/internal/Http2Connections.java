package dev.wisp.server.internal;

import dev.wisp.core.WireInput;
import dev.wisp.http2.FrameRateLimit;
import dev.wisp.http2.Settings;
import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.tls.TlsSessionInfo;

/**
 * The HTTP/2 side of a server port: its filters and routes (the same as HTTP/1.1's) and the settings every HTTP/2
 * connection of the port announces, and the factory of those connections. A connection becomes HTTP/2 after a TLS
 * handshake in which ALPN chose {@code h2}, or when a plaintext client starts with the connection preface. Immutable;
 * built once at start.
 */
final class Http2Connections {
    /**
     * The connection-level receive window: the most request content a connection holds unread, all streams together.
     */
    static final int CONNECTION_WINDOW_BYTES = 1024 * 1024;
    /** Each stream's receive window (SETTINGS_INITIAL_WINDOW_SIZE). */
    static final int STREAM_WINDOW_BYTES = 256 * 1024;

    private final ServerContext context;
    private final HttpService service;
    private final Settings settings;

    Http2Connections(ServerContext context, HttpService service) {
        this.context = context;
        this.service = service;
        var config = context.config();
        this.settings = Settings.builder()
                .maxConcurrentStreams(config.maxConcurrentStreams())
                .initialWindowSize(STREAM_WINDOW_BYTES)
                .maxHeaderListSize(config.maxHeaderBytes())
                // RFC 8441: always, whether or not the routes have WebSocket endpoints; an extended CONNECT to a path
                // without one gets the answer a CONNECT to it gets (404, 405), as HTTP/1.1's upgrade would.
                .enableConnectProtocol(true)
                .build();
    }

    /**
     * A new connection's bound on the streams its client resets or makes the server reset, full at {@code nowNanos}.
     */
    FrameRateLimit resetLimit(long nowNanos) {
        var config = context.config();
        return new FrameRateLimit("streams reset or refused", config.maxStreamResetBurst(),
                config.maxStreamResetsPerSecond(), nowNanos);
    }

    /** The settings each connection announces in its preface. */
    Settings settings() {
        return settings;
    }

    Router router() {
        return service.router();
    }

    HttpService service() {
        return service;
    }

    /** The HTTP/2 connection that takes over after a TLS handshake that chose {@code h2}. */
    Http2ServerConnection open(ServerConnection handshake, TlsSessionInfo session) {
        return new Http2ServerConnection(handshake, this, session, null);
    }

    /**
     * The HTTP/2 connection that takes over a plaintext one whose client started with the connection preface.
     *
     * @param input the connection's input, the preface still unread in it
     */
    Http2ServerConnection openWithPriorKnowledge(ServerConnection http1, WireInput input) {
        return new Http2ServerConnection(http1, this, null, input);
    }

    ServerContext context() {
        return context;
    }
}
