package dev.wisp.server.filters;

import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.JsonStrings;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The access log's line in {@link AccessLog.Format#JSON}: one JSON object (RFC 8259) per exchange, on one line, for
 * log shippers and for GoAccess's JSON format:
 *
 * <pre>
 * {"time":"2026-12-05T12:30:00.123Z","remote_addr":"127.0.0.1","user":null,"method":"GET","host":"x.test",
 *  "uri":"/a?b=1","protocol":"HTTP/1.1","status":200,"bytes_sent":6,"duration_ms":1.234,"referer":null,
 *  "user_agent":"curl/8","completed":true,"request_id":"4f0c…"}
 * </pre>
 * (on one line). A field the request lacks is {@code null}, as are the method and protocol of a refused request
 * line that is not three parts (its {@code uri} is then what arrived of it); {@code request_id} is its
 * {@code X-Request-Id} (which {@link RequestId} gives it). Strings are written by {@link JsonStrings}, so that the
 * line is valid UTF-8 and a terminal showing it obeys no escape sequence a client sent. Stateless.
 */
final class JsonLogLine {
    /** ISO 8601 to the millisecond, with the zone's offset ({@code Z} for UTC). */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");

    private JsonLogLine() {
    }

    static String of(LoggedRequest request, ZonedDateTime started) {
        Headers headers = request.headers();
        StringBuilder line = new StringBuilder(256).append('{');
        field(line, "time", TIME.format(started));
        field(line.append(','), "remote_addr", request.remoteAddress());
        field(line.append(','), "user", BasicAuth.user(headers).orElse(null));
        field(line.append(','), "method", request.method());
        field(line.append(','), "host", headers.firstOrNull(HeaderNames.HOST));
        field(line.append(','), "uri", request.target());
        field(line.append(','), "protocol", request.protocol(true));
        line.append(",\"status\":").append(request.status());
        line.append(",\"bytes_sent\":").append(request.contentBytes());
        long micros = request.nanos() / 1_000;
        long fraction = micros % 1_000;
        line.append(",\"duration_ms\":").append(micros / 1_000).append('.')
                .append(fraction < 100 ? fraction < 10 ? "00" : "0" : "").append(fraction);
        field(line.append(','), "referer", headers.firstOrNull(HeaderNames.REFERER));
        field(line.append(','), "user_agent", headers.firstOrNull(HeaderNames.USER_AGENT));
        line.append(",\"completed\":").append(request.completed());
        field(line.append(','), "request_id", headers.firstOrNull(RequestId.DEFAULT_FIELD));
        return line.append('}').toString();
    }

    private static void field(StringBuilder line, String name, String value) {
        JsonStrings.append(line.append('"').append(name).append("\":"), value);
    }
}
