package dev.wisp.server;

import dev.wisp.core.HeaderNames;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Serves a server's {@link ServerStats} in the Prometheus text exposition format (version 0.0.4), which Prometheus,
 * VictoriaMetrics, the OpenTelemetry collector and Grafana's agents scrape, as nginx's {@code stub_status} or
 * Envoy's {@code /stats/prometheus} serve theirs. Mount it on a route of its own, {@code GET /metrics} say, behind a
 * filter or on an address that only the scraper reaches: the counts tell how busy the server is.
 *
 * <pre>{@code
 * AtomicReference<Server> server = new AtomicReference<>();
 * Router router = Router.builder().get("/metrics", StatsHandler.prometheus(() -> server.get().stats())).build();
 * server.set(Server.create(config, router).start());
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class StatsHandler implements Handler {
    /** The exposition format's media type. */
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<ServerStats> stats;
    /** Null: no histogram served. */
    private final Supplier<RequestDurations> durations;

    private StatsHandler(Supplier<ServerStats> stats, Supplier<RequestDurations> durations) {
        this.stats = stats;
        this.durations = durations;
    }

    /** A handler serving the stats the supplier gives, read anew for every request. */
    public static StatsHandler prometheus(Supplier<ServerStats> stats) {
        return new StatsHandler(Objects.requireNonNull(stats, "stats"), null);
    }

    /**
     * A handler serving the stats and a histogram of the exchanges' durations (a {@code RequestTimer}'s
     * {@code durations()}), both read anew for every request: {@code wisp_request_duration_seconds} and
     * {@code wisp_requests_in_flight} follow the server's counts.
     */
    public static StatsHandler prometheus(Supplier<ServerStats> stats, Supplier<RequestDurations> durations) {
        return new StatsHandler(Objects.requireNonNull(stats, "stats"), Objects.requireNonNull(durations,
                "durations"));
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) throws IOException {
        StringBuilder text = new StringBuilder(2048);
        append(stats.get(), text);
        if (durations != null) {
            append(durations.get(), text);
        }
        response.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE)
                .header("Cache-Control", "no-store")
                .send(text.toString());
    }

    /** The stats as the exposition format has them: each metric with its help and type, then its samples. */
    static void append(ServerStats stats, StringBuilder text) {
        metric(text, "wisp_start_time_seconds", "gauge", "When the server started, in seconds since the Unix epoch.");
        text.append("wisp_start_time_seconds ")
                .append(BigDecimal.valueOf(stats.startedAt().toEpochMilli(), 3).toPlainString()).append('\n');
        metric(text, "wisp_connections_open", "gauge", "Connections open now, of every protocol.");
        text.append("wisp_connections_open ").append(stats.openConnections()).append('\n');
        metric(text, "wisp_websockets_open", "gauge", "WebSockets open now, over HTTP/1.1 and HTTP/2.");
        text.append("wisp_websockets_open ").append(stats.openWebSockets()).append('\n');
        metric(text, "wisp_connections_accepted_total", "counter", "Connections accepted and served since start.");
        text.append("wisp_connections_accepted_total ").append(stats.acceptedConnections()).append('\n');
        metric(text, "wisp_connections_refused_total", "counter",
                "Connections refused at accept since start: the server full, or a client at its limit.");
        text.append("wisp_connections_refused_total ").append(stats.refusedConnections()).append('\n');
        metric(text, "wisp_tls_handshake_failures_total", "counter", "TLS handshakes that failed since start.");
        text.append("wisp_tls_handshake_failures_total ").append(stats.tlsHandshakeFailures()).append('\n');
        metric(text, "wisp_responses_total", "counter", "Final responses sent since start, by status class.");
        ResponseCounts responses = stats.responses();
        long[] byClass = {responses.informational(), responses.successful(), responses.redirection(),
            responses.clientError(), responses.serverError()};
        for (int i = 0; i < byClass.length; i++) {
            text.append("wisp_responses_total{class=\"").append(i + 1).append("xx\"} ").append(byClass[i])
                    .append('\n');
        }
    }

    /** The histogram as the exposition format has one: cumulative buckets by upper bound, then sum and count. */
    static void append(RequestDurations durations, StringBuilder text) {
        String name = "wisp_request_duration_seconds";
        metric(text, name, "histogram", "How long exchanges took, from the timing filter to the end of the response.");
        for (int i = 0; i < durations.upperBounds().size(); i++) {
            text.append(name).append("_bucket{le=\"").append(seconds(durations.upperBounds().get(i))).append("\"} ")
                    .append(durations.cumulativeCounts().get(i)).append('\n');
        }
        text.append(name).append("_bucket{le=\"+Inf\"} ").append(durations.count()).append('\n');
        text.append(name).append("_sum ").append(seconds(durations.sum())).append('\n');
        text.append(name).append("_count ").append(durations.count()).append('\n');
        metric(text, "wisp_requests_in_flight", "gauge", "Exchanges under way now, the scrape's own included.");
        text.append("wisp_requests_in_flight ").append(durations.inFlight()).append('\n');
    }

    /** Seconds, as exactly as the duration has them, without an exponent or trailing zeros: 0.0025, 10. */
    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toNanos(), 9).stripTrailingZeros().toPlainString();
    }

    private static void metric(StringBuilder text, String name, String type, String help) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
