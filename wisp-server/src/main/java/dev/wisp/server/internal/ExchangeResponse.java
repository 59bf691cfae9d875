package dev.wisp.server.internal;

import dev.wisp.core.Body;
import dev.wisp.core.HeaderField;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpDate;
import dev.wisp.core.Method;
import dev.wisp.core.Status;
import dev.wisp.server.ServerResponse;
import dev.wisp.transport.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What the {@link ServerResponse} of every protocol keeps the same way: the status, the header and trailer fields a
 * handler sets until the response is committed, and the Content-Length it may declare. A protocol's subclass decides
 * the framing and writes.
 *
 * <p>Used by the exchange's thread only.
 */
abstract class ExchangeResponse implements ServerResponse {
    /** Where the response is: fields still open, the body going out, or finished. */
    enum State { OPEN, STREAMING, DONE }

    private static final HeaderField TEXT_PLAIN =
            new HeaderField(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");

    final Method requestMethod;
    /** Whose clock dates the response: on a carrier loop, read once per turn rather than per response. */
    private final Transport transport;
    Status status = Status.OK;
    final Headers.Builder headers = Headers.builder();
    Headers.Builder trailers;
    State state = State.OPEN;

    private final ServerCounters counters;

    ExchangeResponse(Transport transport, Method requestMethod, ServerCounters counters) {
        this.transport = transport;
        this.requestMethod = requestMethod;
        this.counters = counters;
    }

    final Transport transport() {
        return transport;
    }

    /** Sets the Date field to now, by the connection's clock, and counts the response: its head goes out now. */
    final void stampHead() {
        headers.set(HttpDate.dateField(transport.clockNanos()));
        countHead();
    }

    /** Counts the response in the server's stats: its head goes out now. */
    final void countHead() {
        counters.responded(status.code());
    }

    /** Takes the response out of the counts: its head, stamped, was dropped before reaching the client. */
    final void uncount() {
        counters.withdrawn(status.code());
    }

    @Override
    public ServerResponse status(Status status) {
        requireOpen();
        Objects.requireNonNull(status, "status");
        if (status.isInformational()) {
            throw new IllegalArgumentException("a final response cannot have the interim status " + status);
        }
        this.status = status;
        return this;
    }

    @Override
    public Status status() {
        return status;
    }

    @Override
    public ServerResponse header(String name, String value) {
        requireOpen();
        headers.add(name, value);
        return this;
    }

    @Override
    public ServerResponse setHeader(String name, String value) {
        requireOpen();
        headers.set(name, value);
        return this;
    }

    @Override
    public ServerResponse removeHeader(String name) {
        requireOpen();
        headers.remove(name);
        return this;
    }

    @Override
    public Headers headers() {
        return headers.build();
    }

    /** Adds a body's trailer fields; none for most, and then nothing is made (a bound method reference would be). */
    final void addTrailers(Headers bodyTrailers) {
        if (!bodyTrailers.isEmpty()) {
            bodyTrailers.forEach(this::trailer);
        }
    }

    @Override
    public ServerResponse trailer(String name, String value) {
        if (state == State.DONE) {
            throw new IllegalStateException("response is finished; trailers can no longer be added");
        }
        if (trailers == null) {
            trailers = Headers.builder();
        }
        trailers.add(name, value);
        return this;
    }

    @Override
    public void send(String text) throws IOException {
        if (!headers.contains(HeaderNames.CONTENT_TYPE)) {
            requireOpen();
            headers.add(TEXT_PLAIN);
        }
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sets Content-Length to the length of the body about to be sent, or removes it if the length is unknown.
     *
     * @return the body's length, or -1
     * @throws IllegalStateException if the response is committed
     */
    final long declareLength(Body body) {
        requireOpen();
        long length = body.length();
        if (length >= 0) {
            headers.set(HeaderNames.CONTENT_LENGTH, length);
        } else {
            headers.remove(HeaderNames.CONTENT_LENGTH);
        }
        return length;
    }

    /** The Content-Length the handler set, or -1 if none. */
    final long declaredLength() {
        String value = headers.firstOrNull(HeaderNames.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            long length = Long.parseLong(value);
            if (length < 0) {
                throw new NumberFormatException();
            }
            return length;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Content-Length header is not a number: " + value, e);
        }
    }

    /** Whether bytes of a body go on the wire: not for HEAD, 1xx, 204 and 304 (RFC 9110 §6.4.1). */
    final boolean hasContent() {
        return status.allowsContent() && !requestMethod.equals(Method.HEAD);
    }

    /**
     * Sends whatever the handler left unsent and ends the response, as the protocol ends one. Called by the
     * exchange, once the handler has returned.
     */
    abstract void finish() throws IOException;

    @Override
    public boolean isCommitted() {
        return state != State.OPEN;
    }

    final void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("response is committed");
        }
    }
}
