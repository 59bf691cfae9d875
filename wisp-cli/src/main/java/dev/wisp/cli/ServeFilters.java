package dev.wisp.cli;

import dev.wisp.core.Headers;
import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.filters.AccessLog;
import dev.wisp.server.filters.BasicAuth;
import dev.wisp.server.filters.Compression;
import dev.wisp.server.filters.Cors;
import dev.wisp.server.filters.CrossOriginProtection;
import dev.wisp.server.filters.RateLimit;
import dev.wisp.server.filters.RequestTimer;
import dev.wisp.server.filters.RequestId;
import dev.wisp.server.filters.ResponseHeaders;
import dev.wisp.server.filters.TrustedProxies;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The filters of {@code wisp serve} and their options: the access log, one line per request on standard output
 * (as python's http.server and jwebserver print), unless {@code --quiet}; inside it, gzip for the text types a
 * client accepts it for ({@link Compression}), so the log counts the bytes sent; a {@link RateLimit} per client if
 * asked; {@link Cors} for the origins {@code --cors} lists; {@link BasicAuth} for the users {@code --auth} gives;
 * {@link ResponseHeaders} for the fields of {@code --header}.
 */
final class ServeFilters {
    static final List<Option> OPTIONS = List.of(
            new Option("--quiet", "-q", null, "do not print a line per request"),
            new Option("--log-format", null, "wisp|combined|common|json", "the line printed per request: wisp"
                    + " (the default: the local time, then address, request line, status, bytes, duration, User-Agent),"
                    + " Apache's and nginx's combined or common log format, which GoAccess and other log readers take,"
                    + " or a JSON object per line for log shippers"),
            new Option("--rate-limit", null, "N/s|N/m[,BURST]", "answer 429 to a client (an IPv4 address, an IPv6"
                    + " /64) past N requests a second (or a minute), BURST more at once (default 0)"),
            new Option("--cors", null, "ORIGINS", "let pages from these origins (scheme://host[:port], separated by"
                    + " commas; * for any, without cookies) call this server: preflights answered for any method and"
                    + " header, answers readable, and open WebSockets on /ws (else only this server's own pages may)"),
            new Option("--real-ip-from", null, "ADDRESSES", "take the client's address from X-Forwarded-For when the"
                    + " connection comes from one of these proxies (addresses or CIDR ranges, separated by commas, as"
                    + " nginx's set_real_ip_from), for the log and --rate-limit"),
            new Option("--request-id", null, null, "give each request an X-Request-Id (32 hex digits) in the answer,"
                    + " the JSON log line and what --proxy sends on"),
            new Option("--auth", null, "USER:PASSWORD|@FILE", "ask for a user's password (HTTP Basic) before"
                    + " anything is served; @FILE holds one USER:PASSWORD a line"),
            new Option("--header", "-H", "'NAME: VALUE'", "give every answer this field, unless it has its own of"
                    + " that name (a proxied server's, say); repeat for more: -H 'Cross-Origin-Opener-Policy:"
                    + " same-origin' -H 'Cross-Origin-Embedder-Policy: require-corp' for SharedArrayBuffer"));
    /** The methods {@code --cors} lets a page use: those of a REST API. */
    private static final String[] CORS_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};

    private static final Pattern RATE = Pattern.compile("([0-9]{1,9})/([sm])(?:,([0-9]{1,9}))?");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    /** The format of the line printed per request, or null for none. */
    private final AccessLog.Format logFormat;
    /** The rate limit asked for, or null. */
    private final RateLimit rateLimit;
    /** The cross-origin requests allowed, or null. */
    private final Cors cors;
    /** The users let in, or null for anyone. */
    private final BasicAuth auth;
    /** The proxies of {@code --real-ip-from}, or null for none. */
    private final TrustedProxies proxies;
    /** The identifiers of {@code --request-id}, or null for none. */
    private final RequestId requestIds;
    /** The fields of {@code --header}, or null for none. */
    private final ResponseHeaders headers;
    private final PrintStream out;

    private ServeFilters(AccessLog.Format logFormat, RateLimit rateLimit, Cors cors, BasicAuth auth,
            ResponseHeaders headers, TrustedProxies proxies, RequestId requestIds, PrintStream out) {
        this.logFormat = logFormat;
        this.rateLimit = rateLimit;
        this.cors = cors;
        this.auth = auth;
        this.headers = headers;
        this.proxies = proxies;
        this.requestIds = requestIds;
        this.out = out;
    }

    /**
     * The filters the arguments ask for, read before anything is made: a usage error must come before a certificate
     * is.
     *
     * @throws UsageException if {@code --rate-limit}, {@code --cors}, {@code --auth} or {@code --header} is not of
     *     its form, or the file of {@code --auth} cannot be read
     */
    static ServeFilters of(Arguments arguments, PrintStream out) throws UsageException {
        Optional<String> rate = arguments.value("--rate-limit");
        Optional<String> origins = arguments.value("--cors");
        Optional<String> users = arguments.value("--auth");
        List<String> fields = arguments.values("--header");
        return new ServeFilters(logFormat(arguments), rate.isPresent() ? rateLimit(rate.get()) : null,
                origins.isPresent() ? cors(origins.get()) : null, users.isPresent() ? auth(users.get()) : null,
                fields.isEmpty() ? null : responseHeaders(fields),
                arguments.has("--real-ip-from") ? proxies(arguments.value("--real-ip-from").orElseThrow()) : null,
                arguments.has("--request-id") ? RequestId.create() : null, out);
    }

    /** {@code --real-ip-from}: the proxies trusted, each an address or a CIDR range. */
    private static TrustedProxies proxies(String text) throws UsageException {
        try {
            return TrustedProxies.builder().trust(Arrays.stream(text.split(",")).map(String::strip)
                    .filter(entry -> !entry.isEmpty()).toArray(String[]::new)).build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException("option --real-ip-from: " + e.getMessage());
        }
    }

    /**
     * The origins {@code --cors} lets in ({@code *} for any), none without it: their pages may open WebSockets here
     * too, where otherwise only the server's own may.
     */
    List<String> crossOrigins() {
        return cors == null ? List.of() : List.copyOf(cors.allowedOrigins());
    }

    /** {@code --header 'NAME: VALUE'}, each given. */
    private static ResponseHeaders responseHeaders(List<String> lines) throws UsageException {
        Headers.Builder fields = Headers.builder();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new UsageException("option --header needs 'NAME: VALUE': '" + line + "'");
            }
            try {
                fields.add(line.substring(0, colon), ArgumentBytes.fieldValue(line.substring(colon + 1).strip()));
            } catch (IllegalArgumentException e) {
                throw new UsageException("option --header: " + e.getMessage());
            }
        }
        try {
            return ResponseHeaders.of(fields.build());
        } catch (IllegalArgumentException e) {
            throw new UsageException("option --header: " + e.getMessage());
        }
    }

    /** {@code --log-format}, or null for {@code --quiet}. */
    private static AccessLog.Format logFormat(Arguments arguments) throws UsageException {
        Optional<String> format = arguments.value("--log-format");
        if (arguments.has("--quiet")) {
            if (format.isPresent()) {
                throw new UsageException("option --log-format: no line is printed with --quiet");
            }
            return null;
        }
        return switch (format.orElse("wisp")) {
            case "wisp" -> AccessLog.Format.WISP;
            case "combined" -> AccessLog.Format.COMBINED;
            case "common" -> AccessLog.Format.COMMON;
            case "json" -> AccessLog.Format.JSON;
            default -> throw new UsageException("option --log-format must be wisp, combined, common or json");
        };
    }

    /** Whether a password is asked for: one that should then cross the network only over TLS. */
    boolean asksForPasswords() {
        return auth != null;
    }

    /**
     * The routes behind the filters: the client's address from the trusted proxies first, for all that follow; the
     * request's identifier; the access log (a 429 is logged too), the timer of {@code --metrics}
     * (which times the 429s and 401s too, and not the printing of a line), the rate limit, CORS (its preflights
     * counted by the limit, and answered before the password is asked for, as a browser sends them without it), with
     * a password the refusal of other sites' forms (CSRF: the browser would send the password with them), the
     * password, then compression.
     *
     * @param timer the timer of {@code --metrics}, or null
     */
    HttpService service(Router router, RequestTimer timer) {
        HttpService.Builder service = HttpService.builder(router);
        if (proxies != null) {
            service.filter(proxies);
        }
        if (requestIds != null) {
            service.filter(requestIds);
        }
        if (logFormat != null) {
            Consumer<String> lines = StandardOutputLines.to(out);
            if (logFormat == AccessLog.Format.WISP) {
                service.filter(AccessLog.to(line -> lines.accept(LocalDateTime.now().format(TIME) + " " + line)));
            } else {
                service.filter(AccessLog.builder().format(logFormat).to(lines).build()); // the line has its time
            }
        }
        if (timer != null) {
            service.filter(timer);
        }
        if (headers != null) {
            service.filter(headers);
        }
        if (rateLimit != null) {
            service.filter(rateLimit);
        }
        if (cors != null) {
            service.filter(cors);
        }
        if (auth != null) {
            List<String> trusted = crossOrigins().stream().filter(origin -> !origin.equals("null")).toList();
            if (!trusted.contains("*")) {
                // A browser sends the Basic credentials it holds with another site's form too: only this server's
                // pages, and those --cors lets in, may change anything.
                service.filter(CrossOriginProtection.builder().trustedOrigins(trusted.toArray(String[]::new)).build());
            }
            service.filter(auth);
        }
        return service.filter(Compression.gzip()).build();
    }

    /**
     * {@code --cors ORIGINS}: the listed origins with their cookies (a page's {@code credentials: 'include'}), or any
     * origin without them: the Fetch standard allows no other way for {@code *}, and echoing every origin back with
     * cookies would let any site read what the user's cookies unlock.
     */
    private static Cors cors(String text) throws UsageException {
        List<String> origins = Arrays.stream(text.split(",")).map(String::strip).filter(o -> !o.isEmpty()).toList();
        if (origins.isEmpty()) {
            throw new UsageException("option --cors needs origins, such as http://localhost:5173, or *");
        }
        try {
            return Cors.builder().allowedOrigins(origins.toArray(String[]::new)).allowedMethods(CORS_METHODS)
                    .allowedHeaders("*").allowCredentials(!origins.contains("*")).build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException("option --cors: " + e.getMessage());
        }
    }

    /**
     * {@code --auth USER:PASSWORD}, or {@code @FILE} with one such line per user (blank lines and # comments aside).
     */
    private static BasicAuth auth(String value) throws UsageException {
        List<String> pairs;
        if (value.startsWith("@")) {
            try {
                pairs = Files.readAllLines(Path.of(value.substring(1)), StandardCharsets.UTF_8).stream()
                        .filter(line -> !line.isBlank() && !line.strip().startsWith("#")).toList();
            } catch (IOException | InvalidPathException e) {
                throw new UsageException("option --auth: cannot read " + value.substring(1) + ": " + e);
            }
            if (pairs.isEmpty()) {
                throw new UsageException("option --auth: " + value.substring(1) + " holds no USER:PASSWORD line");
            }
        } else {
            pairs = List.of(value);
        }
        BasicAuth.Builder auth = BasicAuth.builder("wisp serve");
        for (String pair : pairs) {
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new UsageException("option --auth needs USER:PASSWORD" + (value.startsWith("@")
                        ? " on each line of " + value.substring(1) : ""));
            }
            try {
                auth.user(pair.substring(0, colon), pair.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new UsageException("option --auth: " + e.getMessage());
            }
        }
        return auth.build();
    }

    /** {@code N/s}, {@code N/m}, either with {@code ,BURST}. */
    private static RateLimit rateLimit(String text) throws UsageException {
        Matcher form = RATE.matcher(text);
        UsageException wrong = new UsageException("option --rate-limit must be N/s or N/m, with ,BURST if wanted"
                + " (10/s, 600/m,20): '" + text + "'");
        if (!form.matches()) {
            throw wrong;
        }
        try {
            int requests = Integer.parseInt(form.group(1));
            int burst = form.group(3) == null ? 0 : Integer.parseInt(form.group(3));
            return RateLimit.builder(requests, form.group(2).equals("s") ? Duration.ofSeconds(1)
                    : Duration.ofMinutes(1)).burst(burst).build();
        } catch (IllegalArgumentException e) {
            throw wrong; // a number too large, or 0 requests
        }
    }
}
