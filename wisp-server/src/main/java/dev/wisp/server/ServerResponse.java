package dev.wisp.server;

import dev.wisp.core.Body;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.SetCookie;
import dev.wisp.core.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The response a handler builds: status and headers first, then the body, sent once. A body of known length is
 * sent with Content-Length; a streamed body ({@link #outputStream()}) without a Content-Length header is sent
 * chunked over HTTP/1.1, so it may end with trailers. The connection's protocol decides framing, Date and
 * Connection headers; for HEAD requests and 1xx/204/304 statuses the body is dropped.
 *
 * <p>Used by the exchange's thread only. Once {@link #isCommitted()} (the head was sent), status and headers can no
 * longer change.
 */
public interface ServerResponse {
    /** Sets the status; 200 unless set. */
    ServerResponse status(Status status);

    default ServerResponse status(int code) {
        return status(Status.of(code));
    }

    Status status();

    /**
     * Adds a header field.
     *
     * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF, NUL or controls
     * @throws IllegalStateException if the response is committed
     */
    ServerResponse header(String name, String value);

    /**
     * Adds a Set-Cookie field.
     *
     * @throws IllegalStateException if the response is committed
     */
    default ServerResponse addCookie(SetCookie cookie) {
        return header(HeaderNames.SET_COOKIE, cookie.toString());
    }

    /** Replaces all fields of this name with one. */
    ServerResponse setHeader(String name, String value);

    /**
     * Removes every field of this name; nothing if there is none.
     *
     * @throws IllegalStateException if the response is committed
     */
    ServerResponse removeHeader(String name);

    /** The headers set so far. */
    Headers headers();

    /**
     * Adds a trailer field, sent after a streamed body (chunked HTTP/1.1, or HTTP/2). Trailers of a body sent
     * with Content-Length are dropped, as RFC 9110 §6.5 allows, and so are fields no trailer section may hold
     * ({@link dev.wisp.core.ProhibitedTrailerFields}: Content-Length, Host, Set-Cookie, ...). May be called until the
     * body is finished.
     */
    ServerResponse trailer(String name, String value);

    /** Sends the response without content. */
    default void send() throws IOException {
        send(Body.empty());
    }

    /** Sends bytes as the content. */
    default void send(byte[] content) throws IOException {
        send(Body.of(content));
    }

    /** Sends text as UTF-8, with {@code Content-Type: text/plain; charset=utf-8} unless one is set. */
    default void send(String text) throws IOException {
        if (!headers().contains("Content-Type")) {
            header("Content-Type", "text/plain; charset=utf-8");
        }
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends the body: with Content-Length if its length is known, else streamed.
     *
     * @throws IllegalStateException if the response was already sent
     */
    void send(Body body) throws IOException;

    /**
     * Commits the head and returns a stream for the body. If a Content-Length header was set, exactly that many
     * bytes must be written; otherwise the body is streamed. Closing the stream finishes the response.
     *
     * <p>Close it only once the body is whole: if producing it fails part way, let the exception leave the handler
     * with the stream open (not in a try-with-resources), and the server ends the response as cut off (over HTTP/1.1
     * the connection closes without the last chunk, over HTTP/2 the stream is reset), so the client cannot take what
     * was written for the whole body; or answers 500 in its place if none of it has left yet ({@link #reset()}).
     * Closing it would end a body of unknown length as complete once some of it has left.
     *
     * @throws IllegalStateException if the response was already sent
     */
    OutputStream outputStream() throws IOException;

    /**
     * How many bytes of content went out so far: after any content coding, without the framing (chunk sizes) and
     * without the head; 0 for HEAD, 204 and 304. Once the exchange ended, what the client was sent.
     */
    long contentBytesSent();

    /** Whether the head has been sent, or is committed to be sent, so it can no longer change. */
    boolean isCommitted();

    /**
     * Takes back a committed response of which nothing has reached the client yet, so that another can be sent in its
     * place: what was written of its head and body is dropped, its status and fields stay as they were set, and it is
     * open again. The server does so to answer 500 for a handler that failed after it began its response, which it
     * could not otherwise; a stream the handler was given for the body fails from then on. Over HTTP/1.1 a response
     * can be taken back until its bytes leave the connection's buffer (a flush, or more than the buffer holds); over
     * HTTP/2 its head leaves as it is committed.
     *
     * @return whether the response is open now: false if some of it was sent, and it can only be cut short
     */
    default boolean reset() {
        return !isCommitted();
    }
}
