package dev.wisp.server.filters;

import static java.lang.System.Logger.Level.INFO;

import dev.wisp.core.HeaderNames;
import dev.wisp.server.Filter;
import dev.wisp.server.Handler;
import dev.wisp.server.RefusedRequest;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link Filter} that writes one line per exchange once it ended, in the spirit of the common log format:
 *
 * <pre>
 * 127.0.0.1 "GET /index.html HTTP/1.1" 200 1043 3ms "curl/8.5.0"
 * </pre>
 *
 * <p>Remote address, request line (the target as received), status and content bytes the client was sent, the
 * duration from the handler's start to the end of the response, and the User-Agent ({@code "-"} if none). Quotes,
 * backslashes and control characters (C0, DEL and C1) in the target and User-Agent are escaped ({@code \x09}), so a
 * client can neither forge a line nor send a terminal an escape sequence. An exchange that failed after its
 * response was committed, or on an I/O failure, is logged with the status it had and {@code aborted} after the
 * user agent.
 *
 * <p>A request the server refused before the filters ({@link #refused}: a malformed head, a head over a limit, one
 * not sent within the header timeout) has its line too, as in nginx's and Apache's logs, so that the errors a log
 * reader counts are those the server sent: its request line as far as it arrived ({@code "-"} if none did), and a
 * User-Agent of {@code "-"}, since its fields were not read:
 *
 * <pre>
 * 127.0.0.1 "GET /bad%FF HTTP/1.1" 400 39 0ms "-"
 * </pre>
 *
 * <p>Connections refused at accept (a full server) are counted, not logged: a line each would let a flood write the
 * log as fast as it connects.
 *
 * <p>For the tools that read web servers' logs (GoAccess, AWStats, a log shipper's Apache parser), the
 * {@linkplain Format#COMBINED combined} and {@linkplain Format#COMMON common} log formats of Apache and nginx:
 *
 * <pre>
 * 127.0.0.1 - alice [05/Dec/2026:09:50:00 +0000] "GET /index.html HTTP/1.1" 200 1043 "https://app.test/" "curl/8"
 * </pre>
 *
 * <p>where the user is that of the request's Basic credentials ({@link BasicAuth#user}, as Apache's {@code %u}: the
 * name sent, also on a 401), the time is when the exchange reached the filter, and HTTP/2 is written
 * {@code HTTP/2.0}, as Apache and nginx write it; escaped as above, with no {@code aborted}, which those formats
 * have no place for. For log shippers, {@linkplain Format#JSON JSON}: one object per line, with the same fields and
 * the host, the duration and whether the exchange completed.
 *
 * <p>The server logs nothing per request unless this filter is added. By default the lines go to the
 * {@code System.Logger} named {@code dev.wisp.server.access} at INFO; add it first (outermost) to time and count
 * what the other filters do too. Immutable and thread-safe.
 */
public final class AccessLog implements Filter {
    /** The name of the logger the lines go to by default. */
    public static final String LOGGER_NAME = "dev.wisp.server.access";

    /** What a line holds, and in which order. */
    public enum Format {
        /**
         * Wisp's own, the default: address, request line, status, content bytes, duration, User-Agent, and
         * {@code aborted} for an exchange that failed after its response was committed.
         */
        WISP,
        /** The common log format (NCSA, Apache's {@code common}): address, user, time, request line, status, bytes. */
        COMMON,
        /** The combined log format (Apache's {@code combined}, nginx's default): the common one, Referer, UA. */
        COMBINED,
        /**
         * One JSON object per line, for log shippers (Loki, Elasticsearch, Vector) and GoAccess: time, address,
         * user, method, host, target, protocol, status, bytes, duration in milliseconds, Referer, User-Agent, and
         * whether the exchange completed.
         */
        JSON
    }

    /** Apache's {@code %t}: English month names whatever the default locale, the zone as an offset. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    private final Format format;
    private final Consumer<String> sink;
    private final ZoneId zone;

    private AccessLog(Builder builder) {
        this.format = builder.format;
        this.sink = builder.sink != null ? builder.sink : toLogger();
        this.zone = builder.zone;
    }

    /** Logs in Wisp's format to the {@code System.Logger} {@value #LOGGER_NAME} at INFO. */
    public static AccessLog create() {
        return builder().build();
    }

    /** Hands each line, in Wisp's format, to the sink, on the exchange's thread; the sink must be thread-safe. */
    public static AccessLog to(Consumer<String> sink) {
        return builder().to(sink).build();
    }

    /** A builder of an access log in Wisp's format, to the {@code System.Logger}, in the system's time zone. */
    public static Builder builder() {
        return new Builder();
    }

    private static Consumer<String> toLogger() {
        System.Logger logger = System.getLogger(LOGGER_NAME);
        return line -> logger.log(INFO, line);
    }

    @Override
    public void filter(ServerRequest request, ServerResponse response, Handler next) throws IOException {
        long startMillis = format == Format.WISP ? 0 : System.currentTimeMillis();
        long start = System.nanoTime();
        boolean completed = false;
        try {
            next.handle(request, response);
            completed = true;
        } finally {
            long nanos = System.nanoTime() - start;
            sink.accept(line(LoggedRequest.of(request, response, nanos, completed), startMillis));
        }
    }

    /**
     * Logs a request the server refused before the filters (a malformed head, one over a limit or not sent in time),
     * as nginx and Apache log theirs: its request line as far as it arrived ({@code "-"} if none did), the status
     * and the refusal's content bytes, with the User-Agent and Referer of {@code "-"} when its fields were not read.
     */
    @Override
    public void refused(RefusedRequest request) {
        long startMillis = format == Format.WISP ? 0 : System.currentTimeMillis() - request.nanos() / 1_000_000;
        sink.accept(line(LoggedRequest.of(request), startMillis));
    }

    private String line(LoggedRequest request, long startMillis) {
        return switch (format) {
            case WISP -> wispLine(request);
            case COMMON, COMBINED -> apacheLine(request, started(startMillis));
            case JSON -> JsonLogLine.of(request, started(startMillis));
        };
    }

    private ZonedDateTime started(long startMillis) {
        return ZonedDateTime.ofInstant(Instant.ofEpochMilli(startMillis), zone);
    }

    private static String wispLine(LoggedRequest request) {
        StringBuilder line = new StringBuilder(128).append(request.remoteAddress()).append(" \"");
        escape(request.requestLine(false), line);
        line.append("\" ").append(request.status()).append(' ')
                .append(request.contentBytes()).append(' ')
                .append(request.nanos() / 1_000_000).append("ms \"");
        escape(orDash(request.headers().firstOrNull(HeaderNames.USER_AGENT)), line);
        line.append('"');
        if (!request.completed()) {
            line.append(" aborted");
        }
        return line.toString();
    }

    /** A line of the common or the combined log format. */
    private String apacheLine(LoggedRequest request, ZonedDateTime started) {
        StringBuilder line = new StringBuilder(160).append(request.remoteAddress()).append(" - ");
        // An empty name (credentials of ":password") would leave the field empty, and the readers a field short.
        escape(BasicAuth.user(request.headers()).filter(user -> !user.isEmpty()).orElse("-"), line);
        line.append(" [").append(TIME.format(started)).append("] \"");
        escape(request.requestLine(true), line);
        line.append("\" ").append(request.status()).append(' ');
        long bytes = request.contentBytes();
        if (bytes == 0) {
            line.append('-'); // Apache's %b
        } else {
            line.append(bytes);
        }
        if (format == Format.COMBINED) {
            line.append(" \"");
            escape(orDash(request.headers().firstOrNull(HeaderNames.REFERER)), line);
            line.append("\" \"");
            escape(orDash(request.headers().firstOrNull(HeaderNames.USER_AGENT)), line);
            line.append('"');
        }
        return line.toString();
    }

    /** A field's value, or the formats' dash for none. */
    private static String orDash(String value) {
        return value == null ? "-" : value;
    }

    private static void escape(String text, StringBuilder out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                // C1 controls too (U+0080 to U+009F): obs-text bytes arrive as such chars, and a terminal
                // showing the log would obey one (U+009B opens an escape sequence as ESC [ does).
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
    }

    /** Builds an {@link AccessLog}; not thread-safe, the log it builds is. */
    public static final class Builder {
        private Format format = Format.WISP;
        private Consumer<String> sink;
        private ZoneId zone = ZoneId.systemDefault();

        private Builder() {
        }

        /** What each line holds; {@link Format#WISP} by default. */
        public Builder format(Format format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * Hands each line to the sink, on the exchange's thread, instead of the {@code System.Logger}; the sink must be
         * thread-safe.
         */
        public Builder to(Consumer<String> sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** The zone of the common, combined and JSON formats' times; the system's by default. */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        public AccessLog build() {
            return new AccessLog(this);
        }
    }
}
