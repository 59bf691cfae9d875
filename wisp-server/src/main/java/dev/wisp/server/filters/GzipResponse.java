package dev.wisp.server.filters;

import dev.wisp.core.AcceptEncoding;
import dev.wisp.core.Body;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Method;
import dev.wisp.core.Status;
import dev.wisp.server.ForwardingServerResponse;
import dev.wisp.server.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The response of one exchange under {@link Compression}: decides at commit, from the status and headers the
 * handler set, whether to compress, and codes the body as it goes out. Used by the exchange's thread only.
 */
final class GzipResponse extends ForwardingServerResponse {
    /** Bodies of known length up to this size are compressed in memory, to be sent with a Content-Length. */
    private static final long IN_MEMORY_LIMIT = 64 * 1024;
    private static final int BUFFER_BYTES = 8192;

    private final Method method;
    private final AcceptEncoding accepted;
    private final String ifNoneMatch;
    private final Compression settings;
    /** What the header fields the coding changes were before it changed them, for a reset; null until it did. */
    private Map<String, List<String>> beforeCoding;
    /** The gzip stream {@link #outputStream()} handed the handler, or null. */
    private GzipStream handedOut;
    /** The fields the coding changes: the handler's own come back on a reset. */
    private static final List<String> CODING_FIELDS = List.of(HeaderNames.CONTENT_ENCODING,
            HeaderNames.CONTENT_LENGTH, HeaderNames.ACCEPT_RANGES, HeaderNames.ETAG, HeaderNames.VARY);

    /** @param ifNoneMatch the request's If-None-Match values joined with commas; null without one */
    GzipResponse(ServerResponse delegate, Method method, AcceptEncoding accepted, String ifNoneMatch,
            Compression settings) {
        super(delegate);
        this.method = method;
        this.accepted = accepted;
        this.ifNoneMatch = ifNoneMatch;
        this.settings = settings;
    }

    @Override
    public void send(Body body) throws IOException {
        long length = body.length();
        if (!decide(length)) {
            super.send(body);
        } else if (length >= 0 && length <= IN_MEMORY_LIMIT) {
            ByteArrayOutputStream compressed = new ByteArrayOutputStream((int) Math.max(64, length / 2));
            try (OutputStream gzip = gzip(compressed)) {
                body.writeTo(gzip);
            }
            super.send(Body.of(compressed.toByteArray()));
        } else {
            GzipStream gzip = gzip(super.outputStream());
            try {
                if (!method.equals(Method.HEAD)) {
                    body.writeTo(gzip);
                }
            } catch (IOException | RuntimeException e) {
                // A body that fails part way must reach the client cut off, as the server ends an unfinished
                // response; closing would end the gzip stream, and the response, as a complete and shorter one.
                gzip.abandon();
                throw e;
            }
            gzip.close();
        }
    }

    @Override
    public OutputStream outputStream() throws IOException {
        long length = headers().firstAsLong(HeaderNames.CONTENT_LENGTH).orElse(-1);
        if (!decide(length)) {
            return super.outputStream();
        }
        handedOut = gzip(super.outputStream());
        return handedOut;
    }

    /**
     * Ends the gzip stream the handler was handed, if it returned without closing it: the server ends such a
     * response as whole, so the compressed bytes still in the stream, and its trailer, must go out first.
     */
    void finishHandedOut() throws IOException {
        if (handedOut != null) {
            handedOut.close(); // does nothing if the handler closed it
        }
    }

    /**
     * Takes the response back: lets go of the gzip stream the handler was handed, if any, and puts back the fields
     * the coding changed, so that the next response is coded, or not, afresh (it went out marked gzip, uncoded).
     */
    @Override
    public boolean reset() {
        if (!super.reset()) {
            return false;
        }
        abandonHandedOut();
        handedOut = null;
        if (beforeCoding != null) {
            beforeCoding.forEach((name, values) -> {
                removeHeader(name);
                values.forEach(value -> header(name, value));
            });
            beforeCoding = null;
        }
        return true;
    }

    /** Frees the compressor of the stream the handler was handed, if any, when the exchange failed. */
    void abandonHandedOut() {
        if (handedOut != null) {
            handedOut.abandon();
        }
    }

    /**
     * Whether to compress a body of this length (-1 if unknown); sets Vary, and when compressing the coding
     * headers.
     */
    private boolean decide(long length) {
        if (beforeCoding == null) {
            beforeCoding = new LinkedHashMap<>();
            CODING_FIELDS.forEach(name -> beforeCoding.put(name, headers().all(name)));
        }
        Status status = status();
        if (status.code() == 304) {
            describeGzipCopy();
            return false;
        }
        if (!status.allowsContent() || headers().contains(HeaderNames.CONTENT_ENCODING)
                || !settings.isCompressible(headers().firstOrNull(HeaderNames.CONTENT_TYPE)) || forbidsTransform()) {
            return false;
        }
        addVary();
        if (status.code() == 206 || headers().contains(HeaderNames.CONTENT_RANGE)) {
            // A range counts identity bytes, so it is never compressed; but RFC 9110 §15.3.7 wants the Vary
            // the 200 would have had on a 206, or a cache could answer a gzip client with identity bytes.
            return false;
        }
        if (!accepted.accepts("gzip") || (length >= 0 && length < settings.minimumBytes()
                && !accepted.refusesIdentity())) {
            return false;
        }
        setHeader(HeaderNames.CONTENT_ENCODING, "gzip");
        removeHeader(HeaderNames.CONTENT_LENGTH);
        removeHeader(HeaderNames.ACCEPT_RANGES);
        weakenEtag();
        return true;
    }

    /**
     * Whether the response's {@code Cache-Control} has {@code no-transform}: no intermediary may change its content,
     * its coding included (RFC 9110 §7.7), and a reverse proxy that compresses is one; a handler that asks for it is
     * obeyed too.
     */
    private boolean forbidsTransform() {
        for (String directive : headers().elements(HeaderNames.CACHE_CONTROL)) {
            int equals = directive.indexOf('=');
            if ((equals < 0 ? directive : directive.substring(0, equals).strip()).equalsIgnoreCase("no-transform")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A 304 stands for the response the client holds, with the ETag and Vary that response had (RFC 9110
     * §15.4.5). Only a gzip-coded copy has the weak form of the handler's strong tag, so a client that revalidates
     * with it holds one: it gets that tag back, which a cache needs to match the 304 to what it stored (RFC 9111
     * §4.3.4), and Vary. The weak form has no quote inside a tag, so finding it in the list finds the member.
     */
    private void describeGzipCopy() {
        String etag = headers().firstOrNull(HeaderNames.ETAG);
        if (etag != null && etag.startsWith("\"") && ifNoneMatch != null && accepted.accepts("gzip")
                && ifNoneMatch.contains("W/" + etag)) {
            addVary();
            weakenEtag();
        }
    }

    /** The coded bytes differ from the identity ones, so a strong ETag becomes weak (RFC 9110 §8.8.1). */
    private void weakenEtag() {
        String etag = headers().firstOrNull(HeaderNames.ETAG);
        if (etag != null && etag.startsWith("\"")) {
            setHeader(HeaderNames.ETAG, "W/" + etag);
        }
    }

    private void addVary() {
        if (headers().containsToken(HeaderNames.VARY, HeaderNames.ACCEPT_ENCODING)
                || headers().containsToken(HeaderNames.VARY, "*")) {
            return;
        }
        header(HeaderNames.VARY, HeaderNames.ACCEPT_ENCODING);
    }

    /** A gzip stream whose flush() flushes what was written so far, so a streamed response keeps moving. */
    private GzipStream gzip(OutputStream out) throws IOException {
        return new GzipStream(out, settings.level());
    }

    /** A gzip stream at the settings' level that can be let go of unfinished. */
    private static final class GzipStream extends GZIPOutputStream {
        GzipStream(OutputStream out, int level) throws IOException {
            super(out, BUFFER_BYTES, true);
            def.setLevel(level);
        }

        private boolean abandoned;

        /** Frees the compressor without writing the rest of the stream or closing the one below. */
        void abandon() {
            abandoned = true;
            def.end();
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            requireKept();
            super.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            requireKept();
            super.flush();
        }

        @Override
        public void close() throws IOException {
            if (!abandoned) {
                super.close();
            }
        }

        private void requireKept() {
            if (abandoned) {
                throw new IllegalStateException("the response was taken back (reset) and this stream with it");
            }
        }
    }
}
