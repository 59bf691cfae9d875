package dev.wisp.cli;

import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.filters.AccessLog;
import dev.wisp.server.filters.Compression;
import dev.wisp.server.filters.RateLimit;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The filters of {@code wisp serve} and their options: the access log, one line per request on standard output
 * (as python's http.server and jwebserver print), unless {@code --quiet}; inside it, gzip for the text types a
 * client accepts it for ({@link Compression}), so the log counts the bytes sent; a {@link RateLimit} per client if
 * asked.
 */
final class ServeFilters {
    static final List<Option> OPTIONS = List.of(
            new Option("--quiet", "-q", null, "do not print a line per request"),
            new Option("--rate-limit", null, "N/s|N/m[,BURST]", "answer 429 to a client (an IPv4 address, an IPv6"
                    + " /64) past N requests a second (or a minute), BURST more at once (default 0)"));

    private static final Pattern RATE = Pattern.compile("([0-9]{1,9})/([sm])(?:,([0-9]{1,9}))?");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private final boolean quiet;
    /** The rate limit asked for, or null. */
    private final RateLimit rateLimit;
    private final PrintStream out;

    private ServeFilters(boolean quiet, RateLimit rateLimit, PrintStream out) {
        this.quiet = quiet;
        this.rateLimit = rateLimit;
        this.out = out;
    }

    /**
     * The filters the arguments ask for, read before anything is made: a usage error must come before a certificate
     * is.
     *
     * @throws UsageException if {@code --rate-limit} is not of its form
     */
    static ServeFilters of(Arguments arguments, PrintStream out) throws UsageException {
        Optional<String> rate = arguments.value("--rate-limit");
        return new ServeFilters(arguments.has("--quiet"), rate.isPresent() ? rateLimit(rate.get()) : null, out);
    }

    /**
     * The routes behind the filters: the access log outermost (a 429 is logged too), the rate limit, then
     * compression.
     */
    HttpService service(Router router) {
        HttpService.Builder service = HttpService.builder(router);
        if (!quiet) {
            service.filter(AccessLog.to(line -> out.println(LocalDateTime.now().format(TIME) + " " + line)));
        }
        if (rateLimit != null) {
            service.filter(rateLimit);
        }
        return service.filter(Compression.gzip()).build();
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
