package dev.wisp.client;

import dev.wisp.client.internal.CallChain;
import dev.wisp.client.internal.CallContext;
import dev.wisp.client.internal.CallRunner;
import dev.wisp.client.internal.ConnectionPool;
import dev.wisp.client.internal.ConnectionSource;
import dev.wisp.client.internal.Connector;
import dev.wisp.client.internal.FollowUpState;
import dev.wisp.client.internal.Http2WebSocketOpener;
import dev.wisp.client.internal.ReconnectingWebSocket;
import dev.wisp.client.internal.WebSocketUpgrader;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.nio.file.Path;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An HTTP/1.1 client for a whole application: one pool of persistent connections per origin, shared by every
 * call, as {@link ClientConfig} bounds it. Calls to any origin may run from any number of threads at once; each
 * takes a connection for its exchange and gives it back when the response body has been read or closed.
 *
 * <pre>{@code
 * try (Client client = Client.create(ClientConfig.defaults())) {
 *     try (Response response = client.send(Request.get("https://example.com/"))) {
 *         String page = response.text();
 *     }
 * }
 * }</pre>
 *
 * <p>A reused connection the server closed while it was idle is noticed before reuse where possible (one
 * non-blocking read); when the server closes it just after, an idempotent request with a repeatable body is sent
 * once more on a fresh connection, and any other request fails with {@link ConnectionClosedException}.
 *
 * <p>Thread-safe. Closing it closes idle connections and refuses new calls; calls on the wire run to their end, and
 * responses still open keep their connection until they are closed (see {@link #close()}).
 */
public final class Client implements AutoCloseable {
    private final ClientConfig config;
    private final Connector connector;
    private final FollowUpState state;
    private final ConnectionPool pool;

    private Client(ClientConfig config) {
        this.config = config;
        this.connector = new Connector(config);
        this.pool = new ConnectionPool(connector);
        this.state = new FollowUpState(config.cookieJar().orElse(null),
                config.credentialsProvider().orElse(null));
    }

    /** A client with this configuration. */
    public static Client create(ClientConfig config) {
        return new Client(Objects.requireNonNull(config, "config"));
    }

    /** A client with the default configuration. */
    public static Client create() {
        return create(ClientConfig.defaults());
    }

    public ClientConfig config() {
        return config;
    }

    /** A call of this request, to run once (and cancel from any thread). */
    public Call call(Request request) {
        return new Call(pool, request, config, state);
    }

    /**
     * Sends the request and waits for the response head; the body is read from the response.
     *
     * @throws HttpCallException saying what failed
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
     * Sends the request head now and returns a stream for the body (the request's own body must be empty).
     *
     * @param bodyLength the body's length in bytes, or -1 to send it chunked
     * @throws HttpCallException if the connection or the head fails
     */
    public StreamingRequest open(Request request, long bodyLength) throws IOException {
        return openOn(pool, request, config, bodyLength);
    }

    static StreamingRequest openOn(ConnectionSource source, Request request,
            ClientConfig config, long bodyLength) throws IOException {
        if (request.body().length() != 0) {
            throw new IllegalArgumentException("a streaming request writes its body itself; this one has a body");
        }
        if (bodyLength < -1) {
            throw new IllegalArgumentException("bodyLength must be -1 (chunked) or more: " + bodyLength);
        }
        CallContext context = new CallContext(request, config);
        return new StreamingRequest(CallRunner.open(source, context, bodyLength), context);
    }

    /**
     * Opens a stream of server-sent events from the URL with the default {@link EventSourceConfig}; see
     * {@link #eventSource(Request, EventSourceConfig)}.
     */
    public EventSource eventSource(String url) throws IOException {
        return eventSource(Request.get(url), EventSourceConfig.defaults());
    }

    /**
     * Opens a stream of server-sent events, as a browser's {@code EventSource} does: the request (a GET, usually)
     * is sent with {@code Accept: text/event-stream}, over this client's pool (HTTP/2 included) and with its
     * options, redirects, cookies and credentials; later reconnections send it again, with {@code Last-Event-ID}.
     * The first connection must succeed.
     *
     * @throws EventSourceRefusedException if the server answers with anything but an event stream (a 204 is no
     *         failure: the source returned has ended)
     * @throws HttpCallException if the first connection fails
     */
    public EventSource eventSource(Request request, EventSourceConfig config) throws IOException {
        return EventSource.open(this, request, config);
    }

    /**
     * Downloads the URL to the file with the default {@link DownloadConfig}; see
     * {@link #download(Request, Path, DownloadConfig)}.
     */
    public DownloadResult download(String url, Path file) throws IOException {
        return download(Request.get(url), file, DownloadConfig.defaults());
    }

    /**
     * Downloads a file, resuming where an earlier download stopped, as a device fetches a firmware image over a link
     * that drops. The body goes to {@code FILE.part} beside the file, with {@code FILE.part.meta} saying what it
     * holds; once whole (and its SHA-256 checked, if one is expected) it is renamed to the file, replacing one of that
     * name. A request that fails partway, or a 408, 429 or 5xx that may pass, is followed after the retry policy's
     * wait by one for the rest, {@code Range: bytes=N-} with {@code If-Range} naming the version begun: the server
     * sends the rest (206), or all of it when its file has changed (200), which then starts over. A download that
     * gives up, or whose process ends, leaves the part for the next download of the same URL to the same file to go
     * on from. A server that gives neither a strong ETag nor a strong Last-Modified cannot be resumed safely: its
     * file is fetched from the start each time. Runs on the calling thread; the request is a GET without a
     * {@code Range}, sent with this client's options, redirects, cookies and credentials.
     *
     * @throws DownloadFailedException if the server refuses it (a status such as 404), the file is larger than
     *         {@code maxBytes}, or its SHA-256 is not the one expected; nothing is kept then
     * @throws HttpCallException the last failure, once {@code retryPolicy}'s failed attempts in a row are used up; the
     *         part is kept
     * @throws IllegalStateException if another download to the file is under way
     * @throws IllegalArgumentException if the request is not a GET, has a body, sets {@code Range} or
     *         {@code If-Range}, or asks to decompress
     * @throws IOException if the file cannot be written: the part is kept
     */
    public DownloadResult download(Request request, Path file, DownloadConfig config) throws IOException {
        return Download.run(this, request, file, config);
    }

    /**
     * Opens a WebSocket (RFC 6455) on a connection of its own, never pooled: TLS for {@code wss:} (and
     * {@code https:}) with this client's TLS settings, plaintext for {@code ws:} (and {@code http:}). The
     * listener's callbacks run on a virtual thread of their own.
     *
     * <p>Where the pool holds an HTTP/2 connection to the origin already (an earlier call made it) whose server takes
     * WebSockets over HTTP/2 (RFC 8441) and has a stream place free, the WebSocket is a stream of that connection
     * instead, as browsers open it; {@link ClientConfig.Builder#webSocketsOverHttp2(boolean)} turns that off.
     *
     * <p>The opening handshake carries what a call would (credentials, the cookie jar's cookies) and answers one
     * {@code 401} challenge; the answer's {@code Set-Cookie} fields go in the jar, whether it agrees or refuses.
     *
     * @throws WebSocketRefusedException if the server answers with another status than 101 (2xx over HTTP/2)
     * @throws dev.wisp.websocket.WebSocketHandshakeException if its 101 is wrong
     * @throws HttpCallException if connecting fails
     * @throws IllegalArgumentException if the URL is not a ws, wss, http or https URL
     */
    public WebSocket webSocket(String url, WebSocketConfig config, WebSocketListener listener) throws IOException {
        return webSocket(webSocketRequest(url).build(), config, listener);
    }

    /** Opens a WebSocket read with {@link WebSocket#receive()}; otherwise as {@link #webSocket(String,
     * WebSocketConfig, WebSocketListener)}. */
    public WebSocket webSocket(String url, WebSocketConfig config) throws IOException {
        return openWebSocket(webSocketRequest(url).build(), config, null);
    }

    /**
     * Opens a WebSocket with the request's headers (say {@code Authorization}, {@code Origin} or
     * {@code Sec-WebSocket-Protocol}); the request's URI is {@code http:} or {@code https:}.
     *
     * @throws IllegalArgumentException if the request sets a header the upgrade owns (Connection, Upgrade,
     *     Sec-WebSocket-Key, -Accept, -Version, -Extensions), is not a GET, or has a body
     */
    public WebSocket webSocket(Request request, WebSocketConfig config, WebSocketListener listener)
            throws IOException {
        return openWebSocket(request, config, Objects.requireNonNull(listener, "listener"));
    }

    /** Opens a WebSocket with the request's headers, read with {@link WebSocket#receive()}. */
    public WebSocket webSocket(Request request, WebSocketConfig config) throws IOException {
        return openWebSocket(request, config, null);
    }

    /**
     * Opens a WebSocket that connects again, as the policy says, whenever its connection ends without
     * {@link WebSocket#close(int, String)} (a drop, a dead peer found by {@code pingInterval}, the server going
     * away); the listener hears {@code onOpen} for every connection, the place to subscribe again. The first
     * connection must succeed.
     *
     * @throws HttpCallException or WebSocketRefusedException if the first connection fails
     */
    public WebSocket reconnectingWebSocket(String url, WebSocketConfig config, WebSocketListener listener,
            ReconnectPolicy policy) throws IOException {
        Request request = webSocketRequest(url).build();
        Objects.requireNonNull(config, "config");
        return ReconnectingWebSocket.open(url, relay -> openWebSocket(request, config, relay), listener, policy);
    }

    private WebSocket openWebSocket(Request request, WebSocketConfig config, WebSocketListener listener)
            throws IOException {
        Objects.requireNonNull(config, "config");
        WebSocketUpgrader.checkRequest(request);
        return CallChain.openWebSocket(request, this.config, state, sent -> {
            CallContext call = new CallContext(sent, this.config);
            if (this.config.webSocketsOverHttp2()) {
                WebSocket overHttp2 = Http2WebSocketOpener.tryOpen(pool, sent, config, listener, call, state);
                if (overHttp2 != null) {
                    return overHttp2;
                }
            }
            return WebSocketUpgrader.upgrade(connector.connectForWebSocket(sent.origin(), call), sent, config,
                    listener, call, state);
        });
    }

    /**
     * A request for a WebSocket URL, to add headers to before {@link #webSocket(Request, WebSocketConfig)}:
     * {@code ws:} becomes {@code http:} and {@code wss:} {@code https:}, as RFC 6455 §3 maps them.
     *
     * @throws IllegalArgumentException if the URL is not a ws, wss, http or https URL
     */
    public static Request.Builder webSocketRequest(String url) {
        URI uri = URI.create(Objects.requireNonNull(url, "url"));
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        String http = switch (scheme) {
            case "ws", "http" -> "http";
            case "wss", "https" -> "https";
            default -> throw new IllegalArgumentException("a WebSocket URL is ws: or wss:, not " + url);
        };
        return Request.builder(http + url.substring(scheme.length()));
    }

    /** Connections open now, idle or in use. */
    public int openConnections() {
        return pool.openCount();
    }

    /** Connections open now to one origin. */
    public int openConnections(Origin origin) {
        return pool.openCount(origin);
    }

    /**
     * Connections open now that carry no call: HTTP/1.1 connections kept for reuse, and HTTP/2 connections with no
     * stream open.
     */
    public int idleConnections() {
        return pool.idleCount();
    }

    /**
     * Closes idle connections and refuses new calls. A call with no connection or HTTP/2 stream yet, waiting for one
     * or made after, fails with {@link ClientClosedException} (an asynchronous call's callback gets it): its request
     * was not sent. Calls on the wire run to their end: an HTTP/1.1 connection closes once its response is read or
     * closed, and an HTTP/2 connection takes no new stream and closes once its last stream has ended. Returns once the
     * idle connections have closed, over either protocol ({@link #openConnections()} no longer counts them): an idle
     * HTTP/2 connection is waited for until its reading thread has ended it, which takes it a moment, for a second at
     * most.
     */
    @Override
    public void close() {
        pool.close();
    }
}
