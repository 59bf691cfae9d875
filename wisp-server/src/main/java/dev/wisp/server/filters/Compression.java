package dev.wisp.server.filters;

import dev.wisp.core.AcceptEncoding;
import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderNames;
import dev.wisp.server.Filter;
import dev.wisp.server.Handler;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.zip.Deflater;

/**
 * A {@link Filter} that compresses responses with gzip ({@code java.util.zip}) when the request's
 * {@code Accept-Encoding} allows it (weights, {@code identity;q=0} and {@code *} as RFC 9110 §12.5.3 says).
 *
 * <p>A response is compressed when all hold: its status has content and is not 206; it has no
 * {@code Content-Encoding} nor {@code Content-Range} of its own, nor {@code Cache-Control: no-transform} (RFC 9110
 * §7.7); its media type is in the compressible list (by default {@code text/*}, JSON, JavaScript, XML, SVG,
 * WebAssembly, fonts not compressed already; so images, video, archives and other compressed types never are); and
 * its length is unknown or at least {@code minimumBytes} (256
 * by default; any length when the client refuses identity). Every response of a compressible type gets
 * {@code Vary: Accept-Encoding}, compressed or not (a 206 of one range too, as RFC 9110 §15.3.7 wants), so a cache
 * keeps the two apart. A 304, which has no Content-Type, and a {@code multipart/byteranges} 206 cannot show the
 * filter the type they stand for: the handler that sends them adds the {@code Vary} itself when the type is one
 * of {@link #DEFAULT_TYPES} ({@link #isCompressibleByDefault(String)}), as the file handler does.
 *
 * <p>A compressed response has {@code Content-Encoding: gzip}, a weak ETag (the bytes differ from the identity
 * ones, RFC 9110 §8.8.1; {@code If-None-Match} still matches it by the weak comparison) and no
 * {@code Accept-Ranges} (ranges would count identity bytes). A 304 to a client that revalidates its gzip-coded copy
 * (its {@code If-None-Match} names the weak tag) carries that weak tag and {@code Vary}, as the 200 did (RFC 9110
 * §15.4.5), so a cache matches the 304 to the response it stored. A body of known length up to 64 KiB is compressed in
 * memory and sent with its Content-Length; a longer or streamed one is compressed as it is written, without a
 * Content-Length (chunked over HTTP/1.1), and a handler's {@code flush()} flushes the compressor. A HEAD request
 * gets the head a GET would: the same Content-Length for a body compressed in memory; for a streamed one none, and
 * {@code Transfer-Encoding: chunked} over HTTP/1.1.
 *
 * <p>Immutable and thread-safe; build one with {@link #gzip()} or {@link #builder()}.
 */
public final class Compression implements Filter {
    /** Media types compressed by default; {@code type/*} matches every subtype, {@code +json}/{@code +xml} too. */
    public static final List<String> DEFAULT_TYPES = List.of("text/*", "application/json", "application/javascript",
            "application/xml", "application/wasm", "image/svg+xml", "image/x-icon", "image/bmp", "font/ttf",
            "font/otf", "application/vnd.ms-fontobject", "+json", "+xml");

    private final int minimumBytes;
    private final List<String> types;
    private final int level;

    private Compression(Builder builder) {
        this.minimumBytes = builder.minimumBytes;
        this.types = builder.types;
        this.level = builder.level;
    }

    /** gzip with the defaults: at least 256 bytes, {@link #DEFAULT_TYPES}, level 6. */
    public static Compression gzip() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void filter(ServerRequest request, ServerResponse response, Handler next) throws IOException {
        AcceptEncoding accepted = AcceptEncoding.parse(request.headers().all(HeaderNames.ACCEPT_ENCODING));
        GzipResponse gzip = new GzipResponse(response, request.method(), accepted,
                joined(request, HeaderNames.IF_NONE_MATCH), this);
        try {
            next.handle(request, gzip);
        } catch (IOException | RuntimeException | Error e) {
            // Left open, so the server cuts the response off; its compressor's native memory goes now, not at a GC.
            gzip.abandonHandedOut();
            throw e;
        }
        gzip.finishHandedOut();
    }

    /** The values of a field joined with commas; null if it is absent. */
    private static String joined(ServerRequest request, String name) {
        List<String> values = request.headers().all(name);
        return values.isEmpty() ? null : String.join(",", values);
    }

    int minimumBytes() {
        return minimumBytes;
    }

    int level() {
        return level;
    }

    /** Whether a Content-Type names a compressible media type. */
    boolean isCompressible(String contentType) {
        return matches(types, contentType);
    }

    /**
     * Whether a Content-Type names a media type of {@link #DEFAULT_TYPES}: a response of that type from
     * {@link #gzip()} varies by {@code Accept-Encoding}. For a handler whose answers carry no such Content-Type
     * but stand for a representation that has one (a 304, a {@code multipart/byteranges} 206), so it can send the
     * {@code Vary} the filter gives the 200 (RFC 9110 §15.4.5), as {@link dev.wisp.server.files.FileHandler} does.
     */
    public static boolean isCompressibleByDefault(String contentType) {
        return matches(DEFAULT_TYPES, contentType);
    }

    private static boolean matches(List<String> types, String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = Ascii.toLowerCase(contentType.split(";", 2)[0].strip());
        for (String type : types) {
            if (type.startsWith("+") ? mediaType.endsWith(type)
                    : type.endsWith("/*") ? mediaType.startsWith(type.substring(0, type.length() - 1))
                    : mediaType.equals(type)) {
                return true;
            }
        }
        return false;
    }

    /** Collects a {@link Compression}'s settings; not thread-safe. */
    public static final class Builder {
        private int minimumBytes = 256;
        private List<String> types = DEFAULT_TYPES;
        private int level = 6;

        private Builder() {
        }

        /** Bodies of known length below this many bytes go out as they are; 256 unless set. */
        public Builder minimumBytes(int minimumBytes) {
            if (minimumBytes < 0) {
                throw new IllegalArgumentException("minimumBytes must not be negative: " + minimumBytes);
            }
            this.minimumBytes = minimumBytes;
            return this;
        }

        /**
         * The media types to compress, in place of {@link #DEFAULT_TYPES}: {@code type/subtype}, {@code type/*},
         * or a structured suffix such as {@code +json}; compared without case.
         */
        public Builder compressibleTypes(List<String> types) {
            this.types = Objects.requireNonNull(types, "types").stream().map(Ascii::toLowerCase).toList();
            return this;
        }

        /** The deflate level, 1 (fastest) to 9 (smallest); 6 unless set. */
        public Builder level(int level) {
            if (level < Deflater.BEST_SPEED || level > Deflater.BEST_COMPRESSION) {
                throw new IllegalArgumentException("level must be 1 to 9: " + level);
            }
            this.level = level;
            return this;
        }

        public Compression build() {
            return new Compression(this);
        }
    }
}
