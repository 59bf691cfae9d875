package dev.wisp.server;

import dev.wisp.core.HeaderNames;
import java.io.IOException;
import java.math.BigDecimal;
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

    private StatsHandler(Supplier<ServerStats> stats) {
        this.stats = stats;
    }

    /** A handler serving the stats the supplier gives, read anew for every request. */
    public static StatsHandler prometheus(Supplier<ServerStats> stats) {
        return new StatsHandler(Objects.requireNonNull(stats, "stats"));
    }

    @Override
    public void handle(ServerRequest request, ServerResponse response) throws IOException {
        response.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE)
                .header("Cache-Control", "no-store")
                .send(text(stats.get()));
    }

    /** The stats as the exposition format has them: each metric with its help and type, then its samples. */
    static String text(ServerStats stats) {
        StringBuilder text = new StringBuilder(1024);
        metric(text, "wisp_start_time_seconds", "gauge", "When the server started, in seconds since the Unix epoch.");
        text.append("wisp_start_time_seconds ")
                .append(BigDecimal.valueOf(stats.startedAt().toEpochMilli(), 3).toPlainString()).append('\n');
        metric(text, "wisp_connections_open", "gauge", "Connections open now, of every protocol.");
        text.append("wisp_connections_open ").append(stats.openConnections()).append('\n');
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
        return text.toString();
    }

    private static void metric(StringBuilder text, String name, String type, String help) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
