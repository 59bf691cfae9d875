package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.TimeoutExceededException.Timeout;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.BlackHoleListener;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Happy Eyeballs v2 on loopback: a name resolving (through the client's resolver) to ::1, whose accept queue is
 * full so the SYN is dropped, and to 127.0.0.1, where a server answers on the same port. The IPv6 attempt goes
 * first; the IPv4 one starts after the connection attempt delay and wins, long before the connect timeout.
 */
class HappyEyeballsIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final Router ROUTER = Router.builder()
            .get("/whoami", (request, response) -> response.send(
                    request.connection().remoteAddress().getAddress().getHostAddress()))
            .build();

    private static ClientConfig dualStack(int port, Duration attemptDelay) throws Exception {
        Resolver resolver = Resolver.fixed(Map.of("dual.test:" + port,
                List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"))), Resolver.SYSTEM);
        return ClientConfig.builder().resolver(resolver).connectTimeout(Duration.ofSeconds(8))
                .socketOptions(SocketOptions.builder().connectionAttemptDelay(attemptDelay).build()).build();
    }

    @Test
    void theSecondFamilyWinsAfterTheAttemptDelayWhenTheFirstDoesNotAnswer() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (BlackHoleListener blackHole = BlackHoleListener.open(InetAddress.getByName("::1"));
                    Server server = Server.create(ServerConfig.builder().bindAddress(InetAddress.getByName("127.0.0.1"))
                            .port(blackHole.port()).build(), ROUTER).start()) {
                for (Duration delay : List.of(Duration.ofMillis(250), Duration.ofMillis(600))) {
                    try (Client client = Client.create(dualStack(blackHole.port(), delay))) {
                        long start = System.nanoTime();
                        Response response = client.send(Request.get("http://dual.test:" + blackHole.port()
                                + "/whoami"));
                        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        assertEquals("127.0.0.1", response.text(), "IPv4 answered");
                        assertTrue(millis >= delay.toMillis() - 20 && millis < delay.toMillis() + 1500,
                                millis + " ms for an attempt delay of " + delay.toMillis()
                                        + " ms, connect timeout 8 s");
                        assertEquals(1, client.openConnections(), "the IPv6 attempt was closed, not kept");
                    }
                }
            }
        });
    }

    @Test
    void aRefusedFirstAttemptStartsTheNextAtOnce() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = Server.create(ServerConfig.builder().bindAddress(InetAddress.getByName("127.0.0.1"))
                    .port(0).build(), ROUTER).start();
                    Client client = Client.create(dualStack(server.port(), Duration.ofSeconds(2)))) {
                // Nothing listens on ::1 at this port: refused at once, so IPv4 need not wait the 2 s delay.
                long start = System.nanoTime();
                assertEquals("127.0.0.1", client.send(Request.get("http://dual.test:" + server.port() + "/whoami"))
                        .text());
                assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 1500);
            }
        });
    }

    @Test
    void whenNoAddressAnswersTheConnectTimeoutEndsTheRace() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (BlackHoleListener v6 = BlackHoleListener.open(InetAddress.getByName("::1"));
                    BlackHoleListener v4 = BlackHoleListener.open(InetAddress.getByName("127.0.0.1"), v6.port());
                    Client client = Client.create(dualStack(v6.port(), Duration.ofMillis(100)).toBuilder()
                            .connectTimeout(Duration.ofMillis(500)).build())) {
                TimeoutExceededException e = assertThrows(TimeoutExceededException.class,
                        () -> client.send(Request.get("http://dual.test:" + v6.port() + "/")));
                assertEquals(Timeout.CONNECT, e.timeout());
                assertEquals(0, client.openConnections());
            }
        });
    }
}
