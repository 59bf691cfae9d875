package dev.wisp.client;

import dev.wisp.client.internal.CallClock;
import dev.wisp.client.internal.ExchangeResult;
import dev.wisp.client.internal.MediaTypes;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.Headers;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.tls.TlsSessionInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A response: status, headers, and a body that arrives as it is read. The connection stays with the response
 * until its body has been read to the end or the response is closed; then it goes back to its pool (or, if it
 * cannot be reused, closes). Always read the body or close the response, best with try-with-resources.
 *
 * <p>Not thread-safe: one thread reads the body, but {@link #close()} may come from another to abandon it.
 */
public final class Response implements AutoCloseable {
    private final Request request;
    private final ResponseHead head;
    private final BodyInputStream body;
    private final CallClock clock;
    private final int maxBufferedBodyBytes;

    Response(Request request, ExchangeResult result, CallClock clock, int maxBufferedBodyBytes) {
        this.request = request;
        this.head = result.head();
        this.body = result.body();
        this.clock = clock;
        this.maxBufferedBodyBytes = maxBufferedBodyBytes;
    }

    public Request request() {
        return request;
    }

    public Status status() {
        return head.status();
    }

    /** The status code, e.g. 200. */
    public int statusCode() {
        return head.status().code();
    }

    /** The version the server answered with. */
    public Version version() {
        return head.version();
    }

    /** The header fields; without Content-Encoding and Content-Length when the body was decoded. */
    public Headers headers() {
        return head.headers();
    }

    /** The head as received (decoded as {@link #headers()} says). */
    public ResponseHead head() {
        return head;
    }

    /**
     * The body as it arrives, framing removed and decoded when the request asked. Reading it to the end gives the
     * connection back; closing it early closes the connection.
     *
     * @return a stream whose reads throw {@link HttpCallException}s: a timeout, a broken response, a connection
     *     closed mid-body
     */
    public BodyInputStream body() {
        return body;
    }

    /**
     * Reads the whole body into memory.
     *
     * @throws ResponseTooLargeException if the body is longer than {@link ClientConfig#maxBufferedBodyBytes()}:
     *     known from its announced length before any of it is read, else from its bytes; the connection closes
     */
    public byte[] bytes() throws IOException {
        try (body) {
            long length = body.length();
            if (length > maxBufferedBodyBytes) {
                throw tooLarge(length + " bytes");
            }
            byte[] bytes = body.readNBytes(maxBufferedBodyBytes);
            if (bytes.length == maxBufferedBodyBytes && body.read() >= 0) {
                throw tooLarge("longer than " + maxBufferedBodyBytes + " bytes");
            }
            return bytes;
        }
    }

    private ResponseTooLargeException tooLarge(String size) {
        return new ResponseTooLargeException("the response body of " + request + " is " + size
                + ", over maxBufferedBodyBytes (" + maxBufferedBodyBytes + "): read it as a stream with body(),"
                + " transferTo() or toFile()", maxBufferedBodyBytes);
    }

    /** Reads the whole body as text, in the charset of Content-Type (UTF-8 when it names none). */
    public String text() throws IOException {
        return new String(bytes(), MediaTypes.charset(head.headers().firstOrNull("Content-Type")));
    }

    /** Writes the whole body to a file, replacing it; returns the number of bytes. */
    public long toFile(Path file) throws IOException {
        try (body) {
            return Files.copy(body, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes the whole body to a stream, which stays open; returns the number of bytes. */
    public long transferTo(OutputStream out) throws IOException {
        try (body) {
            return body.transferTo(out);
        }
    }

    /**
     * The trailer fields; empty until the body has been read to its end. Fields no trailer section may hold
     * ({@link dev.wisp.core.ProhibitedTrailerFields}) are dropped, the rest kept.
     */
    public Headers trailers() {
        return body.trailers();
    }

    /** The timing of the call; {@code total} grows until the body has been read. */
    public Timing timing() {
        return clock.timing();
    }

    /**
     * The TLS session of the connection the response came on: protocol, cipher suite, ALPN result, the server's
     * certificates and whether the session was resumed ({@link Timing#tlsResumed()} too). Empty for plaintext.
     */
    public Optional<TlsSessionInfo> tlsSession() {
        return clock.tlsSession();
    }

    /**
     * Abandons what is left of the body: the connection closes unless the body was read to its end. Idempotent.
     */
    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // closing an exchange's body only closes the connection, which reports nothing
        }
    }

    @Override
    public String toString() {
        return head.version() + " " + head.status() + " (" + request + ")";
    }
}
