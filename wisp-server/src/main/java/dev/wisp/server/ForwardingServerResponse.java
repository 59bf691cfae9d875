package dev.wisp.server;

import dev.wisp.core.Body;
import dev.wisp.core.Headers;
import dev.wisp.core.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A {@link ServerResponse} that passes every call to another; a {@link Filter} extends it to change what it needs,
 * such as {@link #outputStream()} and {@link #send(Body)} to code the body. The default methods of the interface
 * ({@code send(String)}, {@code send(byte[])}) end in {@link #send(Body)}, so overriding it covers them.
 *
 * <p>Used by the exchange's thread only, as the response it wraps.
 */
public class ForwardingServerResponse implements ServerResponse {
    private final ServerResponse delegate;

    public ForwardingServerResponse(ServerResponse delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The response this one passes calls to. */
    protected final ServerResponse delegate() {
        return delegate;
    }

    @Override
    public ServerResponse status(Status status) {
        delegate.status(status);
        return this;
    }

    @Override
    public Status status() {
        return delegate.status();
    }

    @Override
    public ServerResponse header(String name, String value) {
        delegate.header(name, value);
        return this;
    }

    @Override
    public ServerResponse setHeader(String name, String value) {
        delegate.setHeader(name, value);
        return this;
    }

    @Override
    public ServerResponse removeHeader(String name) {
        delegate.removeHeader(name);
        return this;
    }

    @Override
    public Headers headers() {
        return delegate.headers();
    }

    @Override
    public ServerResponse trailer(String name, String value) {
        delegate.trailer(name, value);
        return this;
    }

    @Override
    public void send(String text) throws IOException {
        ServerResponse.super.send(text);
    }

    @Override
    public void send(Body body) throws IOException {
        delegate.send(body);
    }

    @Override
    public OutputStream outputStream() throws IOException {
        return delegate.outputStream();
    }

    @Override
    public long contentBytesSent() {
        return delegate.contentBytesSent();
    }

    @Override
    public boolean isCommitted() {
        return delegate.isCommitted();
    }

    @Override
    public boolean reset() {
        return delegate.reset();
    }
}
