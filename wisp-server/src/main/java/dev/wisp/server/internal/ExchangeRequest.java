package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.BodyInputStream;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.RequestHead;
import dev.wisp.core.Status;
import dev.wisp.server.ConnectionInfo;
import dev.wisp.server.ServerRequest;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link ServerRequest} of one exchange, protocol-neutral: the head, the body stream the protocol's codec
 * provides, the route's path parameters, and the connection it came on.
 *
 * <p>Used by the exchange's thread only.
 */
final class ExchangeRequest implements ServerRequest {
    private static final System.Logger LOG = System.getLogger(ExchangeRequest.class.getName());

    private final RequestHead head;
    private final BodyInputStream body;
    private final Map<String, String> pathParameters;
    private final ServerConnection connection;
    private final ClientPresence presence;
    private ConnectionInfo connectionInfo;
    private final long maxBodyBytes;
    /** What closes when the exchange ends; null until something asks. */
    private List<Closeable> closeAtEnd;

    ExchangeRequest(RequestHead head, BodyInputStream body, Map<String, String> pathParameters,
            ServerConnection connection, ClientPresence presence, long maxBodyBytes) {
        this.head = head;
        this.body = body;
        this.pathParameters = pathParameters;
        this.connection = connection;
        this.presence = presence;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public RequestHead head() {
        return head;
    }

    @Override
    public Map<String, String> pathParameters() {
        return pathParameters;
    }

    @Override
    public BodyInputStream body() {
        return body;
    }

    @Override
    public byte[] bodyBytes() throws IOException {
        long length = body.length();
        if (length > maxBodyBytes) {
            throw new MessageTooLargeException(Status.CONTENT_TOO_LARGE, "request body", maxBodyBytes,
                    "maxRequestBodyBytes");
        }
        // The codec enforces maxBodyBytes on bodies of unknown length while they are read.
        return body.readAllBytes();
    }

    @Override
    public void closeAtEnd(Closeable resource) {
        Objects.requireNonNull(resource, "resource");
        if (closeAtEnd == null) {
            closeAtEnd = new ArrayList<>(2);
        }
        closeAtEnd.add(resource);
    }

    @Override
    public void onServerStop(Runnable action) {
        Objects.requireNonNull(action, "action");
        StopActions actions = connection.context.stopActions();
        closeAtEnd(() -> actions.remove(action));
        actions.add(action);
    }

    @Override
    public boolean hasClientLeft() {
        return presence.hasClientLeft();
    }

    @Override
    public void onClientLeft(Runnable action) {
        presence.onClientLeft(Objects.requireNonNull(action, "action"));
    }

    /** Closes what {@link #closeAtEnd} collected, last first; called once, as the exchange ends. */
    void closeResources() {
        if (closeAtEnd == null) {
            return;
        }
        for (int i = closeAtEnd.size() - 1; i >= 0; i--) {
            Closeable resource = closeAtEnd.get(i);
            try {
                resource.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(WARNING, "closing " + resource + " at the end of an exchange failed", e);
            }
        }
        closeAtEnd = null;
    }

    /** The id of the connection the request came on, for log lines. */
    long connectionId() {
        return connection.id();
    }

    @Override
    public ConnectionInfo connection() {
        // Built on demand: few handlers ask, and building it reads the socket's local address.
        if (connectionInfo == null) {
            connectionInfo = connection.info();
        }
        return connectionInfo;
    }
}
