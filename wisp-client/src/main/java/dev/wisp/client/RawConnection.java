package dev.wisp.client;

import dev.wisp.client.internal.CallContext;
import dev.wisp.client.internal.Connector;
import dev.wisp.client.internal.Http1ClientConnection;
import dev.wisp.tls.TlsSessionInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection for a protocol other than HTTP (libwebsockets' "raw" client mode): connected, and for a TLS origin
 * handshaken with the certificate and host name verified, exactly as the client's HTTP connections are (DNS,
 * address order, retries, proxy tunnel, Unix socket, events), then handed over as two byte streams.
 *
 * <p>Threads: one thread may read while another writes. A read that waits longer than {@code readTimeout} closes
 * the connection and fails; a write is bounded by {@code writeTimeout}. {@link #close()} may come from any thread
 * and unblocks both.
 */
public final class RawConnection implements AutoCloseable {
    private final Http1ClientConnection connection;

    private RawConnection(Http1ClientConnection connection) {
        this.connection = connection;
    }

    /**
     * Connects to the origin: TLS unless it is {@link Origin#plaintext(String, int) plaintext}.
     *
     * @throws HttpCallException if DNS, the connection or the TLS handshake fails, or times out
     */
    public static RawConnection connect(Origin origin, ClientConfig config) throws IOException {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(config, "config");
        CallContext call = new CallContext(Request.get(origin.uri("/").toString()), config);
        Http1ClientConnection connection = new Connector(config).connect(origin, call);
        connection.beginExchange(0, config.readTimeout().toNanos());
        return new RawConnection(connection);
    }

    public Origin origin() {
        return connection.origin();
    }

    /** The bytes from the peer, decrypted under TLS; -1 at the end of the stream. */
    public InputStream input() {
        return connection.transport().input();
    }

    /** The bytes to the peer, encrypted under TLS; each write goes out before it returns. */
    public OutputStream output() {
        return connection.transport().output();
    }

    /**
     * The TLS session's facts, as the handshake left them (whether it was resumed among them); empty for plaintext.
     */
    public Optional<TlsSessionInfo> tlsSession() {
        return connection.tlsSession();
    }

    /** Closes the connection at once; idempotent. */
    @Override
    public void close() {
        connection.close("closed by the caller");
        connection.releaseBuffers();
    }
}
