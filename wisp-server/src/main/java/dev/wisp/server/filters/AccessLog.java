package dev.wisp.server.filters;

import static java.lang.System.Logger.Level.INFO;

import dev.wisp.core.HeaderNames;
import dev.wisp.server.Filter;
import dev.wisp.server.Handler;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
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
 * <p>The server logs nothing per request unless this filter is added. By default the lines go to the
 * {@code System.Logger} named {@code dev.wisp.server.access} at INFO; add it first (outermost) to time and count
 * what the other filters do too. Thread-safe.
 */
public final class AccessLog implements Filter {
    /** The name of the logger the lines go to by default. */
    public static final String LOGGER_NAME = "dev.wisp.server.access";

    private final Consumer<String> sink;

    private AccessLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /** Logs to the {@code System.Logger} {@value #LOGGER_NAME} at INFO. */
    public static AccessLog create() {
        System.Logger logger = System.getLogger(LOGGER_NAME);
        return new AccessLog(line -> logger.log(INFO, line));
    }

    /** Hands each line to the sink, on the exchange's thread; the sink must be thread-safe. */
    public static AccessLog to(Consumer<String> sink) {
        return new AccessLog(Objects.requireNonNull(sink, "sink"));
    }

    @Override
    public void filter(ServerRequest request, ServerResponse response, Handler next) throws IOException {
        long start = System.nanoTime();
        boolean completed = false;
        try {
            next.handle(request, response);
            completed = true;
        } finally {
            sink.accept(line(request, response, System.nanoTime() - start, completed));
        }
    }

    static String line(ServerRequest request, ServerResponse response, long nanos, boolean completed) {
        InetSocketAddress remote = request.connection().remoteAddress();
        String userAgent = request.headers().firstOrNull(HeaderNames.USER_AGENT);
        StringBuilder line = new StringBuilder(128)
                .append(remote.getAddress().getHostAddress())
                .append(" \"").append(request.method()).append(' ');
        escape(request.target().raw(), line);
        line.append(' ').append(request.protocol()).append("\" ")
                .append(response.status().code()).append(' ')
                .append(response.contentBytesSent()).append(' ')
                .append(nanos / 1_000_000).append("ms \"");
        escape(userAgent == null ? "-" : userAgent, line);
        line.append('"');
        if (!completed) {
            line.append(" aborted");
        }
        return line.toString();
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
}
