package dev.wisp.server;

import java.time.Instant;
import java.util.Objects;

/**
 * A server's counts at one moment ({@link Server#stats()}), as nginx's {@code stub_status} or Jetty's statistics
 * give them: for a health page, a metrics scrape ({@link StatsHandler}), or a test.
 *
 * @param startedAt when the server started
 * @param openConnections the connections open now, of every protocol
 * @param openWebSockets the WebSockets open now: connections switched to WebSocket, and HTTP/2 streams that carry one
 *     (RFC 8441)
 * @param acceptedConnections connections accepted and served since start
 * @param refusedConnections connections refused at accept since start: the server full under
 *     {@link OverflowPolicy#REJECT}, a client past {@code maxConnectionsPerClient}
 * @param tlsHandshakeFailures TLS handshakes that failed since start
 * @param responses the final responses sent since start, by class
 */
public record ServerStats(Instant startedAt, int openConnections, int openWebSockets, long acceptedConnections,
        long refusedConnections, long tlsHandshakeFailures, ResponseCounts responses) {
    public ServerStats {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(responses, "responses");
    }
}
