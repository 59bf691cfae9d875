package dev.wisp.server;

import dev.wisp.core.BodyInputStream;
import dev.wisp.core.RequestHead;
import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link ServerRequest} that passes every call to another; a {@link Filter} extends it to change what it needs,
 * such as {@link #head()} or {@link #body()}. {@link #bodyBytes()} reads {@link #body()}, so a replaced body is
 * what it returns.
 *
 * <p>Used by the exchange's thread only, as the request it wraps.
 */
public class ForwardingServerRequest implements ServerRequest {
    private final ServerRequest delegate;

    public ForwardingServerRequest(ServerRequest delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The request this one passes calls to. */
    protected final ServerRequest delegate() {
        return delegate;
    }

    @Override
    public RequestHead head() {
        return delegate.head();
    }

    @Override
    public Map<String, String> pathParameters() {
        return delegate.pathParameters();
    }

    @Override
    public BodyInputStream body() {
        return delegate.body();
    }

    /** Reads {@link #body()} whole; the server's body limit still holds while it is read. */
    @Override
    public byte[] bodyBytes() throws IOException {
        BodyInputStream body = body();
        return body == delegate.body() ? delegate.bodyBytes() : body.readAllBytes();
    }

    @Override
    public ConnectionInfo connection() {
        return delegate.connection();
    }

    @Override
    public void closeAtEnd(Closeable resource) {
        delegate.closeAtEnd(resource);
    }

    @Override
    public void onServerStop(Runnable action) {
        delegate.onServerStop(action);
    }

    @Override
    public boolean hasClientLeft() {
        return delegate.hasClientLeft();
    }

    @Override
    public void onClientLeft(Runnable action) {
        delegate.onClientLeft(action);
    }
}
