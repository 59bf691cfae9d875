package dev.wisp.client;

import dev.wisp.client.internal.CallContext;
import dev.wisp.client.internal.CallRunner;
import dev.wisp.client.internal.ConnectionPool;
import dev.wisp.client.internal.ConnectionSource;
import dev.wisp.client.internal.Connector;
import dev.wisp.client.internal.FollowUpState;
import java.io.IOException;
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
 * <p>Thread-safe. Closing it closes idle connections and refuses new calls; responses still open keep their
 * connection until they are closed.
 */
public final class Client implements AutoCloseable {
    private final ClientConfig config;
    private final FollowUpState state;
    private final ConnectionPool pool;

    private Client(ClientConfig config) {
        this.config = config;
        this.pool = new ConnectionPool(new Connector(config));
        this.state = new FollowUpState(config.cookieJar().orElse(null));
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

    /** Connections open now, idle or in use. */
    public int openConnections() {
        return pool.openCount();
    }

    /** Connections open now to one origin. */
    public int openConnections(Origin origin) {
        return pool.openCount(origin);
    }

    /** Idle connections kept for reuse now. */
    public int idleConnections() {
        return pool.idleCount();
    }

    /** Closes idle connections and refuses new calls; open responses keep their connections until closed. */
    @Override
    public void close() {
        pool.close();
    }
}
