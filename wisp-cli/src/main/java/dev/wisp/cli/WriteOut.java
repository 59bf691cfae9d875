package dev.wisp.cli;

import dev.wisp.client.ConnectionInfo;
import dev.wisp.client.EventListener;
import dev.wisp.client.Request;
import dev.wisp.client.Response;
import dev.wisp.client.Timing;
import dev.wisp.client.TooManyRedirectsException;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Version;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * curl's {@code -w}/{@code --write-out FORMAT}: once the transfer has ended, or failed, the format is written to
 * standard output with its {@code %{variable}}s and {@code %header{name}}s filled in, {@code \n}, {@code \r} and
 * {@code \t} as those characters and {@code %%} as {@code %}; {@code @FILE} reads the format from a file. The
 * variables are curl's, among them {@code http_code} ({@code 000} when no response came), {@code size_download},
 * {@code time_total} and the other times, {@code url_effective}, {@code num_redirects} and {@code remote_ip}. An
 * unknown variable is written as nothing, with a warning on standard error, as curl does.
 *
 * <p>It listens to the call's events ({@link #events()}) for what a response does not carry: the address connected
 * to, the redirects followed.
 */
final class WriteOut {
    private final String format;
    private volatile InetSocketAddress remote;
    private volatile int redirects;

    private WriteOut(String format) {
        this.format = format;
    }

    /** The option's value as a format: the text itself, or {@code @FILE}'s content. */
    static WriteOut of(String value) throws UsageException {
        String format = value;
        if (value.startsWith("@")) {
            try {
                format = Files.readString(Path.of(value.substring(1)), StandardCharsets.UTF_8);
            } catch (IOException | InvalidPathException e) {
                throw new UsageException("option --write-out: cannot read " + value.substring(1) + ": " + e);
            }
        }
        return new WriteOut(format);
    }

    /**
     * What the transfer came to, for the variables.
     *
     * @param request the request as the command made it
     * @param response the response, or null if the call failed before one
     * @param failure what the call failed with, or null
     */
    record Outcome(Request request, Response response, long bytes, Duration elapsed, int exitCode,
            Exception failure) {
        /** The last response head: the response's, or that of the redirect past --max-redirs; null for none. */
        ResponseHead head() {
            return response != null ? response.head()
                    : failure instanceof TooManyRedirectsException tooMany ? tooMany.response() : null;
        }

        /** The last request sent: the one the response or the last redirect answered, else the command's. */
        Request last() {
            return response != null ? response.request()
                    : failure instanceof TooManyRedirectsException tooMany ? tooMany.request() : request;
        }
    }

    /** Writes the format filled in with the outcome; warnings go to {@code err}. */
    void write(Outcome outcome, PrintStream out, PrintStream err) {
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            if (c == '\\' && i + 1 < format.length() && "nrt\\".indexOf(format.charAt(i + 1)) >= 0) {
                char escaped = format.charAt(i + 1);
                text.append(escaped == 'n' ? '\n' : escaped == 'r' ? '\r' : escaped == 't' ? '\t' : '\\');
                i += 2;
            } else if (format.startsWith("%%", i)) {
                text.append('%');
                i += 2;
            } else if (format.startsWith("%{", i) && format.indexOf('}', i) > 0) {
                int end = format.indexOf('}', i);
                String name = format.substring(i + 2, end);
                String value = variable(name, outcome);
                if (value == null) {
                    err.println("wisp get: unknown --write-out variable: '" + name + "'");
                } else {
                    text.append(value);
                }
                i = end + 1;
            } else if (format.startsWith("%header{", i) && format.indexOf('}', i) > 0) {
                int end = format.indexOf('}', i);
                String name = format.substring(i + "%header{".length(), end);
                if (outcome.response() != null) { // as curl's: a failed transfer gives no fields
                    text.append(String.join(", ", outcome.response().headers().all(name)));
                }
                i = end + 1;
            } else {
                text.append(c);
                i++;
            }
        }
        out.print(text);
        out.flush();
    }

    /** A variable's value, or null for a name curl does not know either (or that this command does not fill). */
    private String variable(String name, Outcome outcome) {
        Response response = outcome.response();
        ResponseHead head = outcome.head();
        Timing timing = response != null ? response.timing() : null;
        return switch (name) {
            case "http_code", "response_code" ->
                    head == null ? "000" : String.format(Locale.ROOT, "%03d", head.status().code());
            case "http_version" -> head == null ? "0" : head.version() == Version.HTTP_2 ? "2"
                    : head.version().text().substring("HTTP/".length());
            case "size_download" -> Long.toString(outcome.bytes());
            case "content_type" -> head == null ? ""
                    : Objects.requireNonNullElse(head.headers().firstOrNull("Content-Type"), "");
            case "url" -> outcome.request().uri().toString();
            case "url_effective" -> outcome.last().uri().toString();
            case "redirect_url" -> redirectUrl(head, outcome.last());
            case "num_redirects" -> Integer.toString(redirects);
            case "method" -> outcome.last().method().toString();
            case "remote_ip" -> remote == null ? "" : remote.getAddress().getHostAddress();
            case "remote_port" -> remote == null ? "" : Integer.toString(remote.getPort());
            case "time_namelookup" -> seconds(timing == null ? Duration.ZERO : timing.dns());
            case "time_connect" -> seconds(timing == null ? Duration.ZERO : timing.dns().plus(timing.connect()));
            case "time_appconnect" -> seconds(timing == null || timing.tls().isZero() ? Duration.ZERO
                    : timing.dns().plus(timing.connect()).plus(timing.tls()));
            case "time_pretransfer" -> seconds(timing == null ? Duration.ZERO
                    : timing.dns().plus(timing.connect()).plus(timing.tls()));
            case "time_starttransfer" -> seconds(timing == null ? Duration.ZERO : timing.timeToFirstByte());
            case "time_total" -> seconds(timing == null ? outcome.elapsed() : timing.total());
            case "exitcode" -> Integer.toString(outcome.exitCode());
            case "errormsg" -> outcome.failure() == null ? "" : String.valueOf(outcome.failure().getMessage());
            default -> null;
        };
    }

    /** Where a redirect that was not followed would have gone: its Location, resolved against the request's URL. */
    private static String redirectUrl(ResponseHead head, Request request) {
        if (head == null || head.status().code() / 100 != 3) {
            return "";
        }
        String location = head.headers().firstOrNull("Location");
        if (location == null) {
            return "";
        }
        try {
            return request.uri().resolve(URI.create(location)).toString();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** Seconds with six decimals, as curl writes times. */
    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.6f", duration.toNanos() / 1e9);
    }

    /** The events of the call that give what a response does not carry: the address connected to, the redirects. */
    EventListener events() {
        return new EventListener() {
            @Override
            public void connected(ConnectionInfo connection, InetSocketAddress address) {
                remote = address;
            }

            @Override
            public void redirected(Request request, ResponseHead response, Request following) {
                redirects++;
            }
        };
    }
}
