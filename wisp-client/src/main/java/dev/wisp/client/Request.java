package dev.wisp.client;

import dev.wisp.client.internal.UriReferences;
import dev.wisp.core.Authority;
import dev.wisp.core.Body;
import dev.wisp.core.Headers;
import dev.wisp.core.Method;
import dev.wisp.core.RequestTarget;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP request to send: method, absolute {@code http:} or {@code https:} URI, header fields, body and per-request
 * options. Immutable; build one with {@link #builder(URI)} and derive variants with {@link #toBuilder()}.
 *
 * <p>The client adds {@code Host}, {@code User-Agent} (unless set), the body's framing ({@code Content-Length} or
 * {@code Transfer-Encoding: chunked}), {@code Connection: close} for a non-persistent request, {@code Expect} and
 * {@code Accept-Encoding} when asked for. A body from bytes, a string or a file can be sent again (for the one
 * retry of an idempotent request on a stale connection); a body from a stream cannot.
 */
public final class Request {
    private final Method method;
    private final URI uri;
    private final Origin origin;
    private final Headers headers;
    private final Body body;
    private final boolean bodyRepeatable;
    private final boolean persistent;
    private final boolean expectContinue;
    private final boolean decompress;
    private final Credentials credentials;
    private final Duration timeout;

    private Request(Builder builder) {
        this.method = builder.method;
        this.uri = builder.uri;
        this.origin = Origin.of(uri);
        this.headers = builder.headers.build();
        this.body = builder.body;
        this.bodyRepeatable = builder.bodyRepeatable;
        this.persistent = builder.persistent;
        this.expectContinue = builder.expectContinue;
        this.decompress = builder.decompress;
        this.credentials = builder.credentials;
        this.timeout = builder.timeout;
    }

    /** A builder for a GET of this URI. */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /**
     * A builder for a GET of this URI.
     *
     * @throws IllegalArgumentException if it is not an absolute http or https URI
     */
    public static Builder builder(String uri) {
        return new Builder(URI.create(uri));
    }

    /** A GET of this URI with no options. */
    public static Request get(String uri) {
        return builder(uri).build();
    }

    public Builder toBuilder() {
        Builder builder = new Builder(uri).method(method).headers(headers);
        builder.body = body;
        builder.bodyRepeatable = bodyRepeatable;
        builder.credentials = credentials;
        builder.timeout = timeout;
        return builder.persistent(persistent).expectContinue(expectContinue).decompress(decompress);
    }

    public Method method() {
        return method;
    }

    public URI uri() {
        return uri;
    }

    /** Where the request goes, from its URI. */
    public Origin origin() {
        return origin;
    }

    /** The header fields the caller set; the client adds the ones it manages when it sends. */
    public Headers headers() {
        return headers;
    }

    public Body body() {
        return body;
    }

    /** Whether the body can be written again (bytes, string, file, or none). */
    public boolean isBodyRepeatable() {
        return bodyRepeatable;
    }

    /** Whether the connection may stay open for another request afterwards. */
    public boolean isPersistent() {
        return persistent;
    }

    /** Whether the body waits for {@code 100 Continue} (or {@code expectContinueTimeout}). */
    public boolean expectsContinue() {
        return expectContinue;
    }

    /** Whether gzip and deflate are asked for and decoded. */
    public boolean decompresses() {
        return decompress;
    }

    /** The credentials the request authenticates with, if any (set, or from the URI's userinfo). */
    public Optional<Credentials> credentials() {
        return Optional.ofNullable(credentials);
    }

    /** This request's own call timeout, in place of the client's {@code callTimeout}; empty for the client's. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** The request target on the wire: the URI's raw path (at least "/") and query. */
    public String target() {
        return targetOf(uri);
    }

    private static String targetOf(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    @Override
    public String toString() {
        return method + " " + uri;
    }

    /** Builds a {@link Request}; not thread-safe. */
    public static final class Builder {
        private Method method = Method.GET;
        private URI uri;
        private Headers.Builder headers = Headers.builder();
        private Body body = Body.empty();
        private boolean bodyRepeatable = true;
        private boolean persistent = true;
        private boolean expectContinue;
        private boolean decompress;
        private Credentials credentials;
        private Duration timeout;

        private Builder(URI uri) {
            uri(uri);
        }

        /**
         * The URI. A userinfo {@code user:password} in it becomes {@link Credentials#basic} credentials (sent with
         * the first request, as curl does) and is removed from the URI, so it never reaches the request line, a
         * log or an event; a fragment is removed too (RFC 9110 §7.1: it is not sent), and so are dot segments
         * ({@code /a/../b} is {@code /b}, RFC 3986 §5.2.4, as curl and browsers send it). Characters beyond ASCII in
         * the path or query are kept percent-encoded as UTF-8 ({@link URI#toASCIIString()}), the only form a
         * request line can carry.
         *
         * @throws IllegalArgumentException if it is not an absolute http or https URI with a host, or its path and
         *     query cannot be a request target
         */
        public Builder uri(URI uri) {
            Objects.requireNonNull(uri, "uri");
            Origin.of(uri);
            String userInfo = Authority.rawUserInfoOf(uri); // of a host URI reads no userinfo of, too
            if (userInfo != null) {
                this.credentials = UserInfo.credentials(userInfo);
            }
            URI stripped = UriReferences.withoutDotSegments(UserInfo.strip(uri));
            String ascii = stripped.toASCIIString();
            URI sent = ascii.equals(stripped.toString()) ? stripped : URI.create(ascii);
            RequestTarget.origin(targetOf(sent)); // what the request line cannot carry fails here, not mid-call
            this.uri = sent;
            return this;
        }

        /** The credentials to authenticate with; replaces any from the URI. */
        public Builder credentials(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** No credentials: removes any set or taken from the URI. */
        public Builder noCredentials() {
            this.credentials = null;
            return this;
        }

        /** Any method, standard or not ({@link Method#of(String)} checks the token). */
        public Builder method(Method method) {
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        /** @throws IllegalArgumentException if the name is not a token */
        public Builder method(String method) {
            return method(Method.of(method));
        }

        /** Adds a field, keeping others of the same name. */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /** Replaces every field of this name. */
        public Builder setHeader(String name, String value) {
            headers.set(name, value);
            return this;
        }

        /** Replaces all fields. */
        public Builder headers(Headers headers) {
            this.headers = headers.toBuilder();
            return this;
        }

        /** A body of these bytes (not copied). */
        public Builder body(byte[] bytes) {
            return body(Body.of(bytes), true);
        }

        /** A body of this text in UTF-8. */
        public Builder body(String text) {
            return body(text.getBytes(StandardCharsets.UTF_8));
        }

        /** A body read from the file when sent; its length is known. */
        public Builder body(Path file) throws IOException {
            return body(Body.of(file), true);
        }

        /** A one-shot body read from the stream; length -1 sends it chunked. */
        public Builder body(InputStream in, long length) {
            return body(Body.of(in, length), false);
        }

        /** A urlencoded form body, sent again when needed; sets Content-Type unless set. */
        public Builder body(FormBody form) {
            withContentType(FormBody.CONTENT_TYPE);
            return body(form.body(), true);
        }

        /** A multipart/form-data body, its files read as it is sent (and again when needed); sets Content-Type. */
        public Builder body(MultipartBody multipart) {
            headers.set("Content-Type", multipart.contentType());
            return body(multipart.body(), true);
        }

        private void withContentType(String type) {
            if (!headers.contains("Content-Type")) {
                headers.add("Content-Type", type);
            }
        }

        /** Any body; a body given this way is taken as one-shot, and never retried. */
        public Builder body(Body body) {
            return body(body, body instanceof Body.BytesBody);
        }

        private Builder body(Body body, boolean repeatable) {
            this.body = Objects.requireNonNull(body, "body");
            this.bodyRepeatable = repeatable;
            return this;
        }

        /** False sends {@code Connection: close}, and the connection closes after the response. Default true. */
        public Builder persistent(boolean persistent) {
            this.persistent = persistent;
            return this;
        }

        /** True sends {@code Expect: 100-continue} and holds the body until the server invites it. Default false. */
        public Builder expectContinue(boolean expectContinue) {
            this.expectContinue = expectContinue;
            return this;
        }

        /**
         * True sends {@code Accept-Encoding: gzip, deflate} (unless set) and decodes such a response body, removing
         * {@code Content-Encoding} and {@code Content-Length} from its headers. Default false.
         */
        public Builder decompress(boolean decompress) {
            this.decompress = decompress;
            return this;
        }

        /**
         * Bounds this call, body included, in place of the client's {@code callTimeout} (longer or shorter, set or
         * not there), as the JDK's {@code HttpRequest.Builder.timeout}: a long download and quick API calls can share
         * one client. Its follow-ups (redirects, answers to challenges) share the deadline.
         *
         * @throws IllegalArgumentException if it is not positive
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public Request build() {
            return new Request(this);
        }
    }
}
