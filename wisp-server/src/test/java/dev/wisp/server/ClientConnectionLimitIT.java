package dev.wisp.server;

import static dev.wisp.server.ConnectionLimitIT.REFUSED;
import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.LogCapture;
import dev.wisp.testing.RawPeer;
import java.net.InetAddress;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * {@code maxConnectionsPerClient}: a client that holds its limit has its next connection refused, as a full server
 * refuses one, while other clients are served; once one of its connections closes, it connects again.
 */
class ClientConnectionLimitIT {

    @Test
    void refusesAClientAtItsLimitAndServesTheOthers() {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            ConnectionEvents events = new ConnectionEvents();
            InetAddress one = InetAddress.getByName("127.0.0.1");
            InetAddress other = InetAddress.getByName("127.0.0.2");
            Router router = Router.builder().get("/hello", (request, response) -> response.send("hello\n")).build();
            try (LogCapture log = LogCapture.of("dev.wisp.server.internal.RefusedClients");
                    Server server = TestServers.start(TestServers.config().maxConnectionsPerClient(2)
                            .connectionListener(events), router)) {
                try (RawPeer first = RawPeer.connect(one, server.port());
                        RawPeer second = RawPeer.connect(one, server.port())) {
                    hello(first);
                    hello(second);
                    for (int i = 0; i < 3; i++) {
                        try (RawPeer third = RawPeer.connect(one, server.port())) {
                            assertEquals(REFUSED, third.readLastResponse().text());
                        }
                    }
                    try (RawPeer elsewhere = RawPeer.connect(other, server.port())) {
                        hello(elsewhere); // another client, while the first holds its limit
                    }
                    assertEquals("peer closed", events.awaitClosed().reason());
                    hello(first); // the refusals took nothing of the connections it holds
                }
                assertEquals("peer closed", events.awaitClosed().reason());
                assertEquals("peer closed", events.awaitClosed().reason());
                // Its places came back as its connections closed.
                try (RawPeer again = RawPeer.connect(one, server.port());
                        RawPeer andAgain = RawPeer.connect(one, server.port())) {
                    hello(again);
                    hello(andAgain);
                }
                List<LogRecord> warnings = log.records().stream()
                        .filter(record -> record.getLevel() == Level.WARNING).toList();
                assertEquals(1, warnings.size(), "one line a minute at most: " + warnings);
                String line = warnings.get(0).getMessage();
                assertTrue(line.contains("maxConnectionsPerClient (2)") && line.contains("from 127.0.0.1"), line);
            }
        });
    }

    @Test
    void anOptionOutOfRangeIsRefusedWhenTheConfigurationIsBuilt() {
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class, () -> ServerConfig.builder().maxConnectionsPerClient(-1).build());
        assertEquals("maxConnectionsPerClient must not be negative: -1", refused.getMessage());
        assertEquals(0, ServerConfig.builder().build().maxConnectionsPerClient(), "no limit by default");
    }

    private static void hello(RawPeer peer) throws Exception {
        peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("hello\n", peer.readResponse().bodyText());
    }
}
