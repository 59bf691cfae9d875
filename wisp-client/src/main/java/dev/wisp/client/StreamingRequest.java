package dev.wisp.client;

import dev.wisp.client.internal.CallContext;
import dev.wisp.client.internal.CallRunner;
import dev.wisp.client.internal.Exchange;
import dev.wisp.core.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A request whose body the caller writes piece by piece, as esp_http_client's open / write / fetch_headers /
 * read: the head has gone out when this is returned; write the body to {@link #body()} (with the length given
 * when it was opened, or chunked), then {@link #response()} ends the body and reads the response, whose body
 * arrives as it is read.
 *
 * <pre>{@code
 * try (StreamingRequest upload = client.open(Request.builder(uri).method("PUT").build(), -1)) {
 *     upload.body().write(part1);
 *     upload.body().write(part2);
 *     try (Response response = upload.response()) { ... }
 * }
 * }</pre>
 *
 * <p>Trailer fields may follow the body ({@link #response(Headers)}), over HTTP/2 and chunked HTTP/1.1.
 *
 * <p>Not thread-safe, except {@link #cancel()}. Never retried: the body cannot be sent again.
 */
public final class StreamingRequest implements AutoCloseable {
    private final Exchange exchange;
    private final CallContext context;
    private Response response;

    StreamingRequest(Exchange exchange, CallContext context) {
        this.exchange = exchange;
        this.context = context;
    }

    /**
     * The request body. Writes go out as they fill a buffer ({@code flush()} sends them at once); a failure to
     * write is an {@link HttpCallException} and closes the connection, and a write past the length the body was
     * opened with is a {@link RequestBodyLengthException}.
     */
    public OutputStream body() {
        return exchange.bodyWriter();
    }

    /**
     * Ends the body (a fixed-length body must be complete) and waits for the response head.
     *
     * @throws HttpCallException saying what failed
     * @throws RequestBodyLengthException if a body opened with a length was written short (a write past it fails
     *         with this too)
     */
    public Response response() throws IOException {
        return response(Headers.empty());
    }

    /**
     * Ends the body with trailer fields after it, and waits for the response head: over HTTP/2, and over HTTP/1.1
     * for a body opened chunked (-1); a body of announced length over HTTP/1.1 has no place for them. Fields no
     * trailer section may hold ({@link dev.wisp.core.ProhibitedTrailerFields}) are left out.
     *
     * @throws IllegalStateException if the trailers cannot be sent: an HTTP/1.1 body of announced length
     * @throws HttpCallException saying what failed
     * @throws RequestBodyLengthException if a body opened with a length was written short (a write past it fails
     *         with this too)
     */
    public Response response(Headers trailers) throws IOException {
        Objects.requireNonNull(trailers, "trailers");
        if (response != null) {
            return response;
        }
        if (!trailers.isEmpty() && !exchange.bodyWriter().carriesTrailers()) {
            throw new IllegalStateException("a body of announced length over HTTP/1.1 has no place for trailers:"
                    + " open it with -1 (chunked)");
        }
        try {
            exchange.bodyWriter().finish(trailers);
            response = new Response(context.request(), CallRunner.response(exchange), context.clock(),
                    context.config().maxBufferedBodyBytes());
        } catch (IOException e) {
            exchange.abort("request failed: " + e.getMessage());
            throw e;
        }
        return response;
    }

    /** Cancels from any thread: the connection closes at once. */
    public void cancel() {
        context.cancel();
    }

    /** Closes the connection unless {@link #response()} was reached; the response itself is closed separately. */
    @Override
    public void close() {
        if (response == null) {
            exchange.abort("streaming request closed before its response");
        }
    }
}
