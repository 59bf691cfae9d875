package dev.wisp.client;

import dev.wisp.client.internal.CallContext;
import dev.wisp.client.internal.Connector;
import dev.wisp.client.internal.DedicatedConnection;
import dev.wisp.client.internal.FollowUpState;
import dev.wisp.core.Version;
import dev.wisp.tls.TlsSessionInfo;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One explicit connection to one origin, as FreeRTOS's {@code IotHttpsClient_Connect}: it is made when
 * created, carries requests one after another, and is never replaced behind the caller's back.
 *
 * <pre>{@code
 * try (ClientConnection connection = ClientConnection.connect(Origin.tls("device.example", 443), config)) {
 *     try (Response response = connection.send(Request.get(connection.origin().uri("/status")))) { ... }
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Any thread may send, synchronously or asynchronously, at any time; HTTP/1.1 carries one
 * exchange at a time, so calls queue and run in the order they were made (a call takes its place in line in the
 * calling thread, when {@code send} or {@code sendAsync} is called), each starting when the previous response
 * body has been read to its end or closed; a call canceled, timed out or failed before its turn gives its place
 * up. With {@link ClientConfig.Builder#pipelining(boolean) pipelining}, an idempotent request goes out as soon as
 * the one before it is written, in the same order, and its call then waits for the responses before its own. {@link
 * #disconnect()} and {@link Call#cancel()} may come from any thread and take effect at once.
 *
 * <p><b>HTTP/2.</b> With {@link Http2Mode#PRIOR_KNOWLEDGE} in its configuration, the connection offers HTTP/2 (by ALPN
 * over TLS, where the server may still choose HTTP/1.1; from the first byte in plaintext, h2c) and, where it is
 * spoken ({@link #protocol()}), its calls run at once as streams of it, each as soon as the server's
 * {@code SETTINGS_MAX_CONCURRENT_STREAMS} leaves a place (waiting for one at most the connect timeout), rather than in
 * turn; pipelining does not apply. {@link #upgradeToWebSocket} then opens the WebSocket as a stream (RFC 8441), beside
 * which the connection goes on carrying requests, if the server announced {@code SETTINGS_ENABLE_CONNECT_PROTOCOL}.
 * A request the server refused unprocessed (REFUSED_STREAM) goes again on the same connection. The default,
 * {@link Http2Mode#NEGOTIATE}, keeps an explicit connection to HTTP/1.1, as a connection meant for an upgrade must be.
 *
 * <p><b>Errors.</b> A network error, a timeout or a broken response closes the connection and the failing call
 * says why; so does a response that ends the connection ({@code Connection: close}, a non-persistent request).
 * Calls queued behind it then fail with {@link ConnectionClosedException} naming the reason, as does every later
 * call, until {@link #reconnect()} connects again on the same object. Calls are never retried here.
 */
public final class ClientConnection implements AutoCloseable {
    private final ClientConfig config;
    private final FollowUpState state;
    private final DedicatedConnection connection;
    private final Object attachment;

    private ClientConnection(Origin origin, ClientConfig config, Object attachment) {
        this.config = config;
        this.attachment = attachment;
        this.connection = new DedicatedConnection(origin, new Connector(config), attachment);
        this.state = new FollowUpState(config.cookieJar().orElse(null),
                config.credentialsProvider().orElse(null));
    }

    /**
     * Connects to the origin: TLS unless the origin is {@link Origin#plaintext(String, int) plaintext}.
     *
     * @throws HttpCallException if DNS, the connection or the TLS handshake fails, or times out
     */
    public static ClientConnection connect(Origin origin, ClientConfig config) throws IOException {
        return connect(origin, config, null);
    }

    /**
     * Connects, carrying a user attachment (libwebsockets' {@code opaque_user_data}): every connection event of
     * this object, after reconnects too, gets it in its {@link ConnectionInfo}, so one {@link EventListener} in a
     * shared configuration tells connections apart.
     *
     * @param attachment the user's object, handed over as it is; null for none
     * @throws HttpCallException if DNS, the connection or the TLS handshake fails, or times out
     */
    public static ClientConnection connect(Origin origin, ClientConfig config, Object attachment)
            throws IOException {
        ClientConnection made = new ClientConnection(Objects.requireNonNull(origin, "origin"),
                Objects.requireNonNull(config, "config"), attachment);
        made.reconnect();
        return made;
    }

    /** The user attachment given to {@link #connect(Origin, ClientConfig, Object)}; empty if none. */
    public Optional<Object> attachment() {
        return Optional.ofNullable(attachment);
    }

    /** Connects with the default configuration. */
    public static ClientConnection connect(Origin origin) throws IOException {
        return connect(origin, ClientConfig.defaults());
    }

    public Origin origin() {
        return connection.origin();
    }

    public ClientConfig config() {
        return config;
    }

    /**
     * The protocol the current connection speaks: {@link Version#HTTP_2} where the configuration asked for it
     * ({@link Http2Mode#PRIOR_KNOWLEDGE}) and the server took it, else {@link Version#HTTP_1_1}.
     */
    public Version protocol() {
        return connection.isHttp2() ? Version.HTTP_2 : Version.HTTP_1_1;
    }

    /** Whether the connection is open (the server may still have closed it without our knowing yet). */
    public boolean isConnected() {
        return connection.isConnected();
    }

    /**
     * The TLS session of the current connection, as its handshake left it: protocol, cipher suite, ALPN result,
     * the server's certificates, and whether it was resumed. Empty for plaintext.
     */
    public Optional<TlsSessionInfo> tlsSession() {
        return connection.tlsSession();
    }

    /**
     * Whether the current connection's TLS handshake resumed an earlier session (as libwebsockets'
     * {@code lws_tls_session_is_reused}): a {@link #reconnect()} to the same origin resumes the session of the
     * connection before it, as does a connection made with the same {@link ClientConfig}. False for plaintext.
     */
    public boolean isTlsSessionResumed() {
        return connection.tlsSession().map(TlsSessionInfo::resumed).orElse(false);
    }

    /**
     * Closes the current connection, if any, and connects again; waits for an exchange in progress to end.
     *
     * @throws HttpCallException if connecting fails
     */
    public void reconnect() throws IOException {
        connection.connect(new CallContext(Request.get(origin().uri("/").toString()), config));
    }

    /** A call of this request on this connection; the request must be for this connection's origin. */
    public Call call(Request request) {
        return new Call(connection, request, config, state);
    }

    /**
     * Sends the request once its turn comes and waits for the response head.
     *
     * @throws HttpCallException saying what failed; {@link ConnectionClosedException} when the connection is closed
     * @throws IllegalArgumentException if the request is for another origin
     */
    public Response send(Request request) throws IOException {
        return call(request).execute();
    }

    /** Sends the request on a virtual thread of its own; canceling the future cancels the call. */
    public CompletableFuture<Response> sendAsync(Request request) {
        return call(request).executeAsync();
    }

    /** Sends the request on a virtual thread of its own and hands the outcome to the callback. */
    public void sendAsync(Request request, Callback callback) {
        call(request).executeAsync(callback);
    }

    /**
     * Sends the request head once its turn comes and returns a stream for the body.
     *
     * @param bodyLength the body's length in bytes, or -1 to send it chunked
     */
    public StreamingRequest open(Request request, long bodyLength) throws IOException {
        return Client.openOn(connection, request, config, bodyLength);
    }

    /**
     * Upgrades this connection to WebSocket once its turn comes, after whatever requests it carried (Micrium's
     * {@code HTTPc_WebSockUpgrade}); the listener's callbacks run on a virtual thread of their own. From then on
     * the connection speaks WebSocket: an HTTP request on it throws {@link IllegalStateException} until
     * {@link #reconnect()}. The request may set any header but those the upgrade owns (Connection, Upgrade,
     * Sec-WebSocket-Key, -Accept, -Version; -Extensions comes from {@link WebSocketConfig#permessageDeflate()}).
     * Over HTTP/2 ({@link #protocol()}) the WebSocket is a stream of the connection instead (RFC 8441), which goes on
     * carrying requests; a server that did not announce {@code SETTINGS_ENABLE_CONNECT_PROTOCOL} takes none
     * ({@link IllegalStateException}). The upgrade carries the request's credentials and the cookie jar's cookies,
     * and the answer's {@code Set-Cookie} fields go in the jar, whether it agrees or refuses.
     *
     * <p>Through an HTTP proxy, only a connection to an {@code https:} origin can be upgraded: it is a
     * {@code CONNECT} tunnel. One to an {@code http:} origin carries requests to the proxy in absolute-form, and a
     * forward proxy does not relay an upgrade, so it is refused before anything is sent; open such a WebSocket with
     * {@link Client#webSocket(String, WebSocketConfig)}, which tunnels {@code ws:} through the proxy.
     *
     * @throws ConnectionClosedException if the connection is not connected (closed, or its last response ended it)
     * @throws WebSocketRefusedException if the server answers with another status than 101; the connection closes
     * @throws WebSocketNeedsTunnelException if the connection goes through an HTTP proxy to an http origin; the
     *     connection is unchanged
     * @throws IllegalArgumentException if the request sets a header the upgrade owns, is not a GET, has a body,
     *     or is for another origin
     */
    public WebSocket upgradeToWebSocket(Request request, WebSocketConfig config, WebSocketListener listener)
            throws IOException {
        Objects.requireNonNull(listener, "listener");
        checkTunnelled();
        return upgrade(request, config, listener);
    }

    /** Upgrades this connection to a WebSocket read with {@link WebSocket#receive()}; see the listener variant. */
    public WebSocket upgradeToWebSocket(Request request, WebSocketConfig config) throws IOException {
        checkTunnelled();
        return upgrade(request, config, null);
    }

    /**
     * The upgrade with the request's credentials and the jar's cookies, as {@link Client#webSocket} sends them, and
     * the answer's cookies kept in the jar, whether it agrees or refuses; a {@code 401} is not answered, as a refused
     * upgrade closes the connection.
     */
    private WebSocket upgrade(Request request, WebSocketConfig config, WebSocketListener listener) throws IOException {
        Request sent = state.forCall().prepare(request);
        return connection.upgrade(sent, config, listener, new CallContext(sent, this.config), state);
    }

    /**
     * Refuses an upgrade on a connection to an HTTP proxy that forwards requests in absolute-form: https origins
     * and SOCKS proxies give a tunnel (the connector opens it), an http origin through an HTTP proxy does not.
     */
    private void checkTunnelled() throws WebSocketNeedsTunnelException {
        Optional<ProxyConfig> proxy = config.proxyFor(origin());
        if (proxy.isPresent() && proxy.get().forwardsRequests(origin())) {
            throw new WebSocketNeedsTunnelException(origin(), proxy.get());
        }
    }

    /** Closes the connection at once; an exchange in progress fails, queued calls fail until a reconnect. */
    public void disconnect() {
        connection.disconnect("disconnected");
    }

    /** Same as {@link #disconnect()}. */
    @Override
    public void close() {
        disconnect();
    }
}
