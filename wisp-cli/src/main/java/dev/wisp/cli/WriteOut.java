package dev.wisp.cli;

import dev.wisp.client.ConnectionInfo;
import dev.wisp.client.EventListener;
import dev.wisp.client.ProxyAuthenticationException;
import dev.wisp.client.ProxyTunnelRefusedException;
import dev.wisp.client.RedirectNotFollowedException;
import dev.wisp.client.RedirectRefusedException;
import dev.wisp.client.Request;
import dev.wisp.client.Response;
import dev.wisp.client.Timing;
import dev.wisp.core.Headers;
import dev.wisp.core.IpAddresses;
import dev.wisp.core.JsonStrings;
import dev.wisp.core.RequestHead;
import dev.wisp.core.ResponseHead;
import dev.wisp.tls.TlsSessionInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * curl's {@code -w}/{@code --write-out FORMAT}: once the transfer has ended, or failed, the format is written to
 * standard output with its {@code %{variable}}s and {@code %header{name}}s filled in, {@code \n}, {@code \r} and
 * {@code \t} as those characters and {@code %%} as {@code %}; {@code @FILE} reads the format from a file. The
 * variables are curl's, among them {@code http_code} ({@code 000} when no response came), {@code size_download},
 * {@code time_total} and the other times, {@code url_effective}, {@code num_redirects}, {@code remote_ip}, the
 * server's chain ({@code certs}, {@link CertificateText}; {@code num_certs}; {@code ssl_verify_result},
 * {@link VerifyResult}), a proxy's answer to CONNECT ({@code http_connect}) and {@code json}; {@code %{stderr}} and
 * {@code %{stdout}} switch where the rest goes, and {@code %{onerror}} ends the output there unless the transfer
 * failed. An unknown variable is written as nothing, with a warning on standard error, as curl does.
 *
 * <p>It listens to the call's events ({@link #events()}) for what a response does not carry: the addresses
 * connected, the redirects followed, the bytes that went each way.
 */
final class WriteOut {
    /** Variables written as JSON numbers by {@code %{json}}, as curl writes them; the others are strings. */
    private static final List<String> NUMBERS = List.of("exitcode", "http_code", "http_connect", "local_port",
            "num_certs", "num_connects", "num_headers", "num_redirects", "remote_port", "response_code",
            "size_download", "size_header", "size_request", "size_upload", "speed_download", "speed_upload",
            "ssl_verify_result", "urlnum");
    /** Variables {@code %{json}} writes as null when they are empty, as curl does. */
    private static final List<String> NULL_WHEN_EMPTY = List.of("content_type", "errormsg", "filename_effective",
            "redirect_url", "referer");
    /** The names {@code %{json}} holds: every variable but those that steer the output. */
    private static final List<String> VARIABLES = List.of("certs", "content_type", "errormsg", "exitcode",
            "filename_effective", "http_code", "http_connect", "http_version", "local_ip", "local_port", "method",
            "num_certs", "num_connects", "num_headers", "num_redirects", "redirect_url", "referer", "remote_ip",
            "remote_port", "response_code", "scheme", "size_download", "size_header", "size_request", "size_upload",
            "speed_download", "speed_upload", "ssl_verify_result", "time_appconnect", "time_connect", "time_namelookup",
                    "time_pretransfer", "time_redirect",
            "time_starttransfer", "time_total", "url", "url_effective", "urlnum");

    private final String format;
    /** Whether -k let the server's chain in unverified. */
    private final boolean insecure;
    private volatile InetSocketAddress remote;
    private volatile InetSocketAddress local;
    private volatile int redirects;
    private volatile int connects;
    /** The status of the last CONNECT a proxy answered with 2xx; 0 for none. */
    private volatile int tunnelStatus;
    /** The server's chain on the last TLS connection made. */
    private volatile List<X509Certificate> lastChain = List.of();
    /** When the last redirect was followed (System.nanoTime), or 0; and when the head after it came. */
    private volatile long redirectedNanos;
    private volatile long lastHeadNanos;
    /**
     * The last head as received, before a decoded body's Content-Encoding and Length went: what curl's
     * {@code num_headers}, {@code %header{}} and {@code header_json} read.
     */
    private volatile ResponseHead lastHead;
    /** Every response head's bytes, the redirects' too. */
    private final AtomicLong headerBytes = new AtomicLong();
    /** Every request's head and body bytes; the last request's body bytes. */
    private final AtomicLong requestBytes = new AtomicLong();
    private final AtomicLong uploadBytes = new AtomicLong();
    /** The last response's body bytes as received, before any decoding: a new head starts the count again. */
    private final AtomicLong downloadBytes = new AtomicLong();

    private WriteOut(String format, boolean insecure) {
        this.format = format;
        this.insecure = insecure;
    }

    /**
     * The option's value as a format: the text itself, or {@code @FILE}'s content.
     *
     * @param insecure whether {@code -k} lets any server chain in, which {@code %{ssl_verify_result}} then judges
     */
    static WriteOut of(String value, boolean insecure) throws UsageException {
        String format = value;
        if (value.startsWith("@")) {
            try {
                format = Files.readString(Path.of(value.substring(1)), StandardCharsets.UTF_8);
            } catch (IOException | InvalidPathException e) {
                throw new UsageException("option --write-out: cannot read " + value.substring(1) + ": " + e);
            }
        }
        return new WriteOut(format, insecure);
    }

    /**
     * What the transfer came to, for the variables.
     *
     * @param request the request as the command made it
     * @param response the response, or null if the call failed before one
     * @param startNanos when the transfer started ({@link System#nanoTime()})
     * @param failure what the call failed with, or null
     * @param fileName the file the body was written to, or empty for standard output
     * @param conditionUnmet whether a body was dropped for not meeting {@code -z} (curl reports a 304 then)
     */
    record Outcome(Request request, Response response, long startNanos, int exitCode, Exception failure,
            String fileName, boolean conditionUnmet) {
        /**
         * The last response head: the response's, or that of the redirect not followed (past --max-redirs, or to a
         * target refused); null for none.
         */
        ResponseHead head() {
            return response != null ? response.head()
                    : failure instanceof RedirectNotFollowedException redirect ? redirect.response() : null;
        }

        /** The last request sent: the one the response or the last redirect answered, else the command's. */
        Request last() {
            return response != null ? response.request()
                    : failure instanceof RedirectNotFollowedException redirect ? redirect.request() : request;
        }
    }

    /** Writes the format filled in with the outcome to {@code out}, or {@code err} after {@code %{stderr}}. */
    void write(Outcome outcome, PrintStream out, PrintStream err) {
        long endNanos = System.nanoTime();
        PrintStream target = out;
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
                i = end + 1;
                switch (name) {
                    case "stdout", "stderr" -> {
                        flush(text, target);
                        target = name.equals("stdout") ? out : err;
                    }
                    case "onerror" -> {
                        if (outcome.exitCode() == ExitCodes.OK) {
                            i = format.length(); // the rest is written only for a failed transfer
                        }
                    }
                    case "json" -> text.append(json(outcome, endNanos));
                    case "header_json" -> text.append(headerJson(outcome.response() == null ? null : lastHead));
                    default -> {
                        String value = variable(name, outcome, endNanos);
                        if (value == null) {
                            err.println("wisp get: unknown --write-out variable: '" + name + "'");
                        } else {
                            text.append(value);
                        }
                    }
                }
            } else if (format.startsWith("%header{", i) && format.indexOf('}', i) > 0) {
                int end = format.indexOf('}', i);
                String name = format.substring(i + "%header{".length(), end);
                if (outcome.response() != null) { // as curl's: a failed transfer gives no fields
                    // The field's bytes as they came, as -i writes them (a Latin-1 é is one byte, not UTF-8's two).
                    flush(text, target);
                    target.writeBytes(String.join(", ", received(outcome).headers().all(name))
                            .getBytes(StandardCharsets.ISO_8859_1));
                }
                i = end + 1;
            } else {
                text.append(c);
                i++;
            }
        }
        flush(text, target);
    }

    private static void flush(StringBuilder text, PrintStream target) {
        target.print(text);
        target.flush();
        text.setLength(0);
    }

    /** A variable's value, or null for a name curl does not know either (or that this command does not fill). */
    private String variable(String name, Outcome outcome, long endNanos) {
        Response response = outcome.response();
        // A call that failed after a head came (a redirect followed to an empty reply) tells that head, as curl does.
        ResponseHead head = outcome.head() != null ? outcome.head() : lastHead;
        Timing timing = response != null ? response.timing() : null;
        Duration total = timing != null ? timing.total() : Duration.ofNanos(endNanos - outcome.startNanos());
        return switch (name) {
            // curl reports a body dropped for -z as the 304 the server did not send.
            case "http_code", "response_code" -> head == null ? "000"
                    : outcome.conditionUnmet() ? "304" : String.format(Locale.ROOT, "%03d", head.status().code());
            case "http_version" -> head == null ? "0" : switch (head.version()) { // curl's names
                case HTTP_1_0 -> "1";
                case HTTP_2 -> "2";
                default -> head.version().text().substring("HTTP/".length());
            };
            case "scheme" -> outcome.last().uri().getScheme().toUpperCase(Locale.ROOT);
            case "size_download" -> Long.toString(downloadBytes.get());
            case "size_header" -> Long.toString(headerBytes.get());
            case "size_request" -> Long.toString(requestBytes.get());
            case "size_upload" -> Long.toString(uploadBytes.get());
            case "speed_download" -> perSecond(downloadBytes.get(), total);
            case "speed_upload" -> perSecond(uploadBytes.get(), total);
            case "num_headers" -> Integer.toString(head == null ? 0 : received(outcome).headers().size());
            case "num_connects" -> Integer.toString(connects);
            // A redirect refused counts, as curl counts it: it was taken up, then found not to be followed.
            case "num_redirects" -> Integer.toString(redirects
                    + (outcome.failure() instanceof RedirectRefusedException ? 1 : 0));
            case "content_type" -> head == null ? ""
                    : Optional.ofNullable(head.headers().firstOrNull("Content-Type")).orElse("");
            case "url" -> outcome.request().uri().toString();
            case "url_effective" -> outcome.last().uri().toString();
            case "urlnum" -> "0"; // one URL a command
            case "redirect_url" -> redirectUrl(head, outcome.last());
            case "referer" -> Optional.ofNullable(outcome.last().headers().firstOrNull("Referer")).orElse("");
            case "filename_effective" -> outcome.fileName();
            case "method" -> outcome.last().method().toString();
            case "remote_ip" -> remote == null || remote.isUnresolved() ? "" : IpAddresses.text(remote.getAddress());
            // Without a connection curl writes the addresses empty and the ports 0.
            case "remote_port" -> remote == null || remote.isUnresolved() ? "0" : Integer.toString(remote.getPort());
            case "local_ip" -> local == null ? "" : IpAddresses.text(local.getAddress());
            case "local_port" -> local == null ? "0" : Integer.toString(local.getPort());
            // Past a redirect curl times the phases from the start of the last request, and the redirects apart.
            case "time_namelookup" -> seconds(timing == null ? Duration.ZERO : timing.dns());
            case "time_connect" -> seconds(timing == null ? Duration.ZERO : timing.dns().plus(timing.connect()));
            case "time_appconnect" -> seconds(timing == null || timing.tls().isZero() ? Duration.ZERO
                    : timing.dns().plus(timing.connect()).plus(timing.tls()));
            case "time_pretransfer" -> seconds(timing == null ? Duration.ZERO
                    : timing.dns().plus(timing.connect()).plus(timing.tls()));
            case "time_starttransfer" -> seconds(timing == null ? Duration.ZERO
                    : redirectedNanos == 0 ? timing.timeToFirstByte()
                    : Duration.ofNanos(Math.max(0, lastHeadNanos - redirectedNanos)));
            case "time_redirect" -> seconds(redirectedNanos == 0 ? Duration.ZERO
                    : Duration.ofNanos(redirectedNanos - outcome.startNanos()));
            case "time_total" -> seconds(total);
            case "exitcode" -> Integer.toString(outcome.exitCode());
            case "errormsg" -> outcome.failure() == null ? ""
                    : String.valueOf(FlagNames.in(outcome.failure().getMessage()));
            case "certs" -> CertificateText.of(chain(outcome));
            case "num_certs" -> Integer.toString(chain(outcome).size());
            case "ssl_verify_result" -> Integer.toString(verifyResult(outcome));
            case "http_connect" -> String.format(Locale.ROOT, "%03d", tunnelStatus(outcome.failure()));
            default -> null;
        };
    }

    /** The server's chain on the connection of the response, or on the last one made when none came. */
    private List<X509Certificate> chain(Outcome outcome) {
        return outcome.response() == null ? lastChain : outcome.response().tlsSession()
                .map(TlsSessionInfo::peerCertificates).orElse(List.of());
    }

    /** OpenSSL's code for the chain's verification: a failed one's, or with -k what verifying it would have said. */
    private int verifyResult(Outcome outcome) {
        int failed = outcome.failure() == null ? VerifyResult.OK : VerifyResult.ofFailure(outcome.failure());
        return failed != VerifyResult.OK || !insecure ? failed : VerifyResult.unverified(chain(outcome));
    }

    /** The status a proxy answered the last CONNECT with: a refusal's, else the last tunnel's; 0 for none. */
    private int tunnelStatus(Exception failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ProxyTunnelRefusedException refused) {
                return refused.status();
            }
            if (cause instanceof ProxyAuthenticationException challenged) {
                return challenged.response().status().code();
            }
        }
        return tunnelStatus;
    }

    /** {@code %{json}}: every variable, by name, as curl writes it. */
    private String json(Outcome outcome, long endNanos) {
        Map<String, String> members = new TreeMap<>();
        for (String name : VARIABLES) {
            String value = variable(name, outcome, endNanos);
            members.put(name, name.startsWith("time_") ? value
                    : NUMBERS.contains(name) ? (value.isEmpty() ? "0" : Long.toString(Long.parseLong(value)))
                    : value.isEmpty() && NULL_WHEN_EMPTY.contains(name) ? "null" : JsonStrings.quote(value));
        }
        StringBuilder json = new StringBuilder("{");
        members.forEach((name, value) -> json.append(JsonStrings.quote(name)).append(':').append(value).append(','));
        json.setLength(json.length() - 1);
        return json.append('}').toString();
    }

    /** {@code %{header_json}}: the last response's fields, lowercase names with their values in order, as curl's. */
    private static String headerJson(ResponseHead head) {
        if (head == null) {
            return "{}"; // curl writes nothing when no response came
        }
        Map<String, StringBuilder> fields = new LinkedHashMap<>();
        Headers headers = head.headers();
        for (int i = 0; i < headers.size(); i++) {
            StringBuilder values = fields.computeIfAbsent(headers.name(i).toLowerCase(Locale.ROOT),
                    name -> new StringBuilder());
            values.append(values.isEmpty() ? "" : ",").append(JsonStrings.quote(headers.value(i)));
        }
        StringBuilder json = new StringBuilder("{");
        fields.forEach((name, values) -> json.append(json.length() > 1 ? ",\n" : "").append(JsonStrings.quote(name))
                .append(":[").append(values).append(']'));
        return json.append("\n}").toString();
    }

    /** Where a redirect that was not followed would have gone: its Location, resolved against the request's URL. */
    private static String redirectUrl(ResponseHead head, Request request) {
        if (head == null || head.status().code() / 100 != 3) {
            return "";
        }
        String location = head.headers().firstOrNull("Location");
        if (location == null || location.isBlank()) {
            return ""; // an empty one is no redirect, as curl takes it
        }
        try {
            return request.uri().resolve(URI.create(location)).toString();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** The last head as received, or the outcome's when none came through the events (a redirect past the limit). */
    private ResponseHead received(Outcome outcome) {
        ResponseHead head = lastHead;
        return head != null ? head : outcome.head();
    }

    /** Seconds with six decimals, as curl writes times. */
    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.6f", duration.toNanos() / 1e9);
    }

    /** Bytes per second over the whole transfer, a whole number, as curl's speeds. */
    private static String perSecond(long bytes, Duration total) {
        return Long.toString(total.isZero() ? 0 : (long) (bytes / (total.toNanos() / 1e9)));
    }

    /** The events of the call that give what a response does not carry. */
    EventListener events() {
        return new EventListener() {
            @Override
            public void connected(ConnectionInfo connection, InetSocketAddress remoteAddress,
                    Optional<InetSocketAddress> localAddress) {
                remote = remoteAddress;
                local = localAddress.orElse(null);
                connects++;
            }

            @Override
            public void tunnelOpened(ConnectionInfo connection, ResponseHead response) {
                tunnelStatus = response.status().code();
            }

            @Override
            public void tlsHandshakeDone(ConnectionInfo connection, TlsSessionInfo session) {
                lastChain = session.peerCertificates();
            }

            @Override
            public void requestHeadersSent(Request request, RequestHead head) {
                requestBytes.addAndGet(length(HeadText.of(head)));
                uploadBytes.set(0); // as curl's, the last request's body alone
            }

            @Override
            public void requestBodySent(Request request, long bytes) {
                requestBytes.addAndGet(bytes);
                uploadBytes.addAndGet(bytes);
            }

            @Override
            public void interimResponse(Request request, ResponseHead head) {
                headerBytes.addAndGet(length(HeadText.of(head))); // curl counts a 100 Continue's head too
            }

            @Override
            public void responseHeaders(Request request, ResponseHead head) {
                headerBytes.addAndGet(length(HeadText.of(head)));
                lastHead = head;
                downloadBytes.set(0);
                lastHeadNanos = System.nanoTime();
            }

            @Override
            public void bodyChunk(Request request, int bytes) {
                downloadBytes.addAndGet(bytes);
            }

            @Override
            public void redirected(Request request, ResponseHead response, Request following) {
                redirects++;
                redirectedNanos = System.nanoTime();
            }
        };
    }

    private static long length(String head) {
        return head.getBytes(StandardCharsets.ISO_8859_1).length;
    }
}
