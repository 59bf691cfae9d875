package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.Origin;
import dev.wisp.client.Request;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The connections kept when giving them back failed go back on the next try, all of them, even when giving one of
 * them back fails again: that one is kept for the try after. Real connections, on loopback.
 */
class UnreleasedConnectionsIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @Test
    void keptConnectionsGoBackOnTheNextTryAndOneThatFailsAgainOnTheOneAfter() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
                ClientConfig config = ClientConfig.builder().build();
                Origin origin = Origin.plaintext("127.0.0.1", listener.getLocalPort());
                Connector connector = new Connector(config);
                List<Http1ClientConnection> connections = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    connections.add(connector.connect(origin,
                            new CallContext(Request.get("http://127.0.0.1:" + listener.getLocalPort() + "/"), config)));
                }
                Http1ClientConnection failsOnce = connections.get(1);
                UnreleasedConnections kept = new UnreleasedConnections();
                connections.forEach(kept::push);

                List<Http1ClientConnection> released = new ArrayList<>();
                AtomicBoolean fail = new AtomicBoolean(true);
                ConnectionOwner owner = connection -> {
                    if (connection == failsOnce && fail.compareAndSet(true, false)) {
                        kept.push(connection); // as the pool does when its release fails
                        throw new OutOfMemoryError("Java heap space (thrown by the test)");
                    }
                    released.add(connection);
                };
                kept.releaseTo(owner);
                assertEquals(Set.of(connections.get(0), connections.get(2)), Set.copyOf(released));
                assertEquals(2, released.size());

                kept.releaseTo(owner);
                assertEquals(List.of(failsOnce), released.subList(2, released.size()));
                kept.releaseTo(owner);
                assertEquals(3, released.size(), "each went back once");
                connections.forEach(connection -> connection.close("test over"));
            }
        });
    }
}
