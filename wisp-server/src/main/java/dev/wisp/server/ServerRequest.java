package dev.wisp.server;

import dev.wisp.core.Ascii;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.CookieHeader;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request as a handler sees it, the same over every protocol version. The head is complete; the body is read
 * as a stream ({@link #body()}) or whole ({@link #bodyBytes()}), at most once.
 *
 * <p>Used by the exchange's thread only.
 */
public interface ServerRequest {
    /** The request head as received. */
    RequestHead head();

    default Method method() {
        return head().method();
    }

    default RequestTarget target() {
        return head().target();
    }

    /** The decoded path without dot segments; see {@link RequestTarget#path()}. */
    default String path() {
        return head().target().path();
    }

    default Headers headers() {
        return head().headers();
    }

    /** The protocol of the connection; the only accessor that tells protocols apart. */
    default Version protocol() {
        return head().version();
    }

    /** A {@code {name}} segment, or the {@code *} remainder, of the route's path pattern that matched. */
    default Optional<String> pathParameter(String name) {
        return Optional.ofNullable(pathParameters().get(name));
    }

    /** All path parameters of the matched route; the remainder of a trailing wildcard is under {@code "*"}. */
    Map<String, String> pathParameters();

    /** The first value of a query parameter. */
    default Optional<String> queryParameter(String name) throws MalformedMessageException {
        List<String> values = target().queryParameters().get(name);
        return values == null ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * The body as a stream, framing removed. Reading it past the server's body limit throws a 413
     * {@link MessageTooLargeException}. With {@code Expect: 100-continue}, the first read sends the interim
     * 100 response, so a handler that answers without reading never invites the body.
     */
    BodyInputStream body();

    /**
     * Reads the whole body into memory.
     *
     * @throws MessageTooLargeException (413) if it is longer than the server's {@code maxRequestBodyBytes}
     */
    byte[] bodyBytes() throws IOException;

    /**
     * Reads the whole body as text in the charset of its Content-Type, UTF-8 if none is given.
     *
     * @throws HttpProtocolException (415) if the charset is not one the JVM knows
     */
    default String bodyText() throws IOException {
        Charset charset = StandardCharsets.UTF_8;
        String contentType = headers().firstOrNull(HeaderNames.CONTENT_TYPE);
        int at = contentType == null ? -1 : Ascii.toLowerCase(contentType).indexOf("charset=");
        if (at >= 0) {
            String name = contentType.substring(at + "charset=".length()).split(";", 2)[0].strip();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1);
            }
            try {
                charset = Charset.forName(name);
            } catch (IllegalArgumentException e) {
                throw new HttpProtocolException(Status.UNSUPPORTED_MEDIA_TYPE, "unsupported charset '"
                        + Ascii.escape(name) + "'");
            }
        }
        return new String(bodyBytes(), charset);
    }

    /**
     * Trailer fields; known once the body has been read to its end, empty before. Fields no trailer section may hold
     * ({@link dev.wisp.core.ProhibitedTrailerFields}) are dropped, the rest kept.
     */
    default Headers trailers() {
        return body().trailers();
    }

    /** The connection the request came on. */
    ConnectionInfo connection();

    /**
     * The cookies of the request's Cookie fields, by name; see {@link CookieHeader#parse} for how odd ones are
     * read.
     */
    default Map<String, String> cookies() {
        return CookieHeader.parse(headers().all(HeaderNames.COOKIE));
    }

    /** One cookie's value. */
    default Optional<String> cookie(String name) {
        return Optional.ofNullable(cookies().get(name));
    }

    /**
     * Closes the resource when the exchange ends: after its response, whether the handler returned or threw, and
     * when the connection broke. Resources close in reverse order of registration; a failure to close is logged.
     * Uploads spilled to temporary files use it, so no file outlives its request.
     */
    void closeAtEnd(Closeable resource);

    /**
     * Runs the action, on a thread of its own, when the server starts to stop while this exchange is in flight (at
     * once if it has begun): for a response that streams until told otherwise, an event stream say, to end itself
     * rather than hold the stop for its whole grace period. Nothing runs for an exchange that has ended. Call it from
     * the exchange's own thread, as {@link #closeAtEnd} is.
     */
    void onServerStop(Runnable action);

    /**
     * Whether the client is known to have left: over HTTP/2, it reset the request's stream or its connection ended;
     * over HTTP/1.1, its side of the connection ended (closed or half-closed, which the server cannot tell apart
     * without writing). Looks without blocking and takes nothing the client sent. For a handler that answers late (a
     * long poll, an event stream, a long computation) to give up on a client that no longer waits, where a write
     * would find out only once it fails: over TCP, the first write after a close still goes through.
     *
     * <p>False when it cannot tell: over HTTP/1.1 until the request's body has been read whole, and while bytes the
     * client sent after it (a pipelined request) are unread. Call it from a thread that writes the response, never
     * while another thread reads the request's body.
     */
    boolean hasClientLeft();

    /**
     * Runs the action once, on a thread of its own, when the client is found to have left while this exchange is in
     * flight: over HTTP/2 at once, when it resets the request's stream or its connection ends; over HTTP/1.1, where the
     * server reads nothing while a handler answers, when {@link #hasClientLeft()} finds it so. For a response that
     * streams until told otherwise (an event stream closes itself so) or a computation worth abandoning. Nothing runs
     * once the exchange has ended.
     */
    void onClientLeft(Runnable action);
}
