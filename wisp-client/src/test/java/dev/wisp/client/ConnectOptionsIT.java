package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connection options on real loopback sockets: retries with backoff, local binding, address-family order. */
class ConnectOptionsIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final Router ROUTER = Router.builder()
            .get("/whoami", (request, response) -> {
                var remote = request.connection().remoteAddress();
                response.send(remote.getAddress().getHostAddress() + ":" + remote.getPort());
            })
            .build();

    private final AtomicReference<Server> server = new AtomicReference<>();

    @AfterEach
    void stop() {
        if (server.get() != null) {
            server.get().close();
        }
    }

    @Test
    void retriesARefusedConnectionWithBackoffUntilTheServerListens() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int port = NginxPeer.freePort();
            List<Duration> delays = new CopyOnWriteArrayList<>();
            ClientConfig config = ClientConfig.builder()
                    .retryPolicy(RetryPolicy.exponential(5, Duration.ofMillis(40), Duration.ofMillis(400)))
                    .eventListener(new EventListener() {
                        @Override
                        public void connectRetry(ConnectionInfo connection, int retry, Duration delay,
                                IOException cause) {
                            delays.add(delay);
                            if (retry == 2) {
                                server.set(Server.create(ServerConfig.builder().port(port).build(), ROUTER).start());
                            }
                        }
                    }).build();
            try (Client client = Client.create(config)) {
                Response response = client.send(Request.get("http://127.0.0.1:" + port + "/whoami"));
                assertEquals(200, response.statusCode());
                response.close();
            }
            assertEquals(2, delays.size());
            assertBetween(delays.get(0), 20, 40);
            assertBetween(delays.get(1), 40, 80);
        });
    }

    private static void assertBetween(Duration delay, long minMillis, long maxMillis) {
        assertTrue(delay.toMillis() >= minMillis && delay.toMillis() <= maxMillis, delay.toString());
    }

    @Test
    void failsAfterTheLastRetryNamingTheAttemptsAndDoesNotRetryByDefault() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int port = NginxPeer.freePort();
            String url = "http://127.0.0.1:" + port + "/";
            ClientConfig retrying = ClientConfig.builder()
                    .retryPolicy(RetryPolicy.exponential(2, Duration.ofMillis(5), Duration.ofMillis(10))).build();
            try (Client client = Client.create(retrying)) {
                ConnectRefusedException e = assertThrows(ConnectRefusedException.class,
                        () -> client.send(Request.get(url)));
                assertEquals("connection to 127.0.0.1:" + port + " (127.0.0.1) refused (3 attempts)", e.getMessage());
            }
            try (Client client = Client.create()) {
                assertEquals("connection to 127.0.0.1:" + port + " (127.0.0.1) refused",
                        assertThrows(ConnectRefusedException.class, () -> client.send(Request.get(url)))
                                .getMessage());
            }
        });
    }

    @Test
    void bindsTheLocalAddressAndPortTheServerSees() {
        assertTimeoutPreemptively(LIMIT, () -> {
            server.set(Server.create(ServerConfig.builder().port(0).build(), ROUTER).start());
            int localPort = NginxPeer.freePort();
            SocketOptions options = SocketOptions.builder().localAddress(InetAddress.getByName("127.0.0.2"))
                    .localPort(localPort).build();
            try (Client client = Client.create(ClientConfig.builder().socketOptions(options).build())) {
                assertEquals("127.0.0.2:" + localPort,
                        client.send(Request.get("http://127.0.0.1:" + server.get().port() + "/whoami")).text());
            }
        });
    }

    @Test
    void reuseAddressBindsALocalPortWhoseLastConnectionWaitsOutTimeWait() {
        assertTimeoutPreemptively(LIMIT, () -> {
            server.set(Server.create(ServerConfig.builder().port(0).build(), ROUTER).start());
            try (Server other = Server.create(ServerConfig.builder().port(0).build(), ROUTER).start()) {
                String first = "http://127.0.0.1:" + server.get().port() + "/whoami";
                String second = "http://127.0.0.1:" + other.port() + "/whoami";
                // Through the JDK's channel, and natively (a priority opens the socket through FFM).
                for (boolean natively : new boolean[] {false, true}) {
                    int held = NginxPeer.freePort();
                    SocketOptions plain = bound(held, false, natively);
                    assertEquals("127.0.0.1:" + held, sendAndCloseFirst(plain, first));
                    try (Client client = Client.create(ClientConfig.builder().socketOptions(plain).build())) {
                        HttpCallException e = assertThrows(HttpCallException.class,
                                () -> client.send(Request.get(second)));
                        assertTrue(String.valueOf(e.getMessage()).contains("Address already in use"),
                                "without SO_REUSEADDR the port is held: " + e.getMessage());
                    }

                    int reused = NginxPeer.freePort();
                    SocketOptions reusing = bound(reused, true, natively);
                    assertEquals("127.0.0.1:" + reused, sendAndCloseFirst(reusing, first));
                    assertEquals("127.0.0.1:" + reused, sendAndCloseFirst(reusing, second), "bound again at once");
                }
            }
        });
    }

    private static SocketOptions bound(int localPort, boolean reuseAddress, boolean natively) {
        SocketOptions.Builder options = SocketOptions.builder().localPort(localPort).reuseAddress(reuseAddress);
        return (natively ? options.priority(0) : options).build();
    }

    /** One request from the bound port; the client then closes first, so its side waits out TIME_WAIT. */
    private static String sendAndCloseFirst(SocketOptions options, String url) throws IOException {
        try (Client client = Client.create(ClientConfig.builder().socketOptions(options).build())) {
            return client.send(Request.get(url)).text();
        }
    }

    @Test
    void keepsToTheAddressFamilyAskedFor() {
        assertTimeoutPreemptively(LIMIT, () -> {
            server.set(Server.create(ServerConfig.builder().port(0).build(), ROUTER).start());
            String url = "http://127.0.0.1:" + server.get().port() + "/whoami";
            SocketOptions v6only = SocketOptions.builder().ipPreference(SocketOptions.IpPreference.IPV6_ONLY).build();
            try (Client client = Client.create(ClientConfig.builder().socketOptions(v6only).build())) {
                assertEquals("cannot connect to 127.0.0.1:" + server.get().port()
                                + ": none of [127.0.0.1] is allowed by ipPreference IPV6_ONLY",
                        assertThrows(ConnectFailedException.class, () -> client.send(Request.get(url))).getMessage());
            }
            SocketOptions v6first = SocketOptions.builder().ipPreference(SocketOptions.IpPreference.IPV6_FIRST).build();
            try (Client client = Client.create(ClientConfig.builder().socketOptions(v6first).build())) {
                assertTrue(client.send(Request.get(url)).text().startsWith("127.0.0.1:"), "falls back to IPv4");
            }
        });
    }

    /**
     * A name under {@code localhost} is both loopback addresses, without DNS (RFC 6761 §6.3, as curl and browsers
     * resolve it): it was unknown before. And {@code localhost} asked for by an address family the hosts file does not
     * name for it (this machine's names 127.0.0.1 alone) is that family's loopback address, as curl's {@code -6}.
     */
    @Test
    void localhostNamesAreTheLoopbackAddresses() {
        assertTimeoutPreemptively(LIMIT, () -> {
            server.set(Server.create(ServerConfig.builder().bindAddress(InetAddress.getByName("::")).port(0).build(),
                    ROUTER).start());
            int port = server.get().port();
            SocketOptions v6only = SocketOptions.builder().ipPreference(SocketOptions.IpPreference.IPV6_ONLY).build();
            try (Client client = Client.create(ClientConfig.builder().socketOptions(v6only).build())) {
                for (String host : new String[] {"app.localhost", "App.LocalHost.", "localhost"}) {
                    assertTrue(client.send(Request.get("http://" + host + ":" + port + "/whoami")).text()
                            .startsWith("0:0:0:0:0:0:0:1:"), host);
                }
            }
            SocketOptions v4only = SocketOptions.builder().ipPreference(SocketOptions.IpPreference.IPV4_ONLY).build();
            try (Client client = Client.create(ClientConfig.builder().socketOptions(v4only).build())) {
                assertTrue(client.send(Request.get("http://app.localhost:" + port + "/whoami")).text()
                        .startsWith("127.0.0.1:"));
            }
            assertEquals(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")),
                    Resolver.SYSTEM.resolve("app.localhost", port));
        });
    }

    /**
     * The TOS byte is set on the socket and read back by the connector, which fails if the kernel kept another
     * value: Linux keeps the low two bits of a TCP socket's TOS for ECN, so RFC 1349's "low cost" (0x02) is refused
     * with a typed error rather than dropped silently. {@link TypeOfServiceOnTheWireIT} checks the byte on the wire.
     */
    @Test
    void connectsWithATypeOfServiceTheKernelKeepsAndFailsClearlyOnOneItRefuses() {
        assertTimeoutPreemptively(LIMIT, () -> {
            server.set(Server.create(ServerConfig.builder().port(0).build(), ROUTER).start());
            String url = "http://127.0.0.1:" + server.get().port() + "/whoami";
            for (SocketOptions.TypeOfService service : List.of(SocketOptions.TypeOfService.LOW_DELAY,
                    SocketOptions.TypeOfService.THROUGHPUT, SocketOptions.TypeOfService.RELIABILITY)) {
                try (Client client = Client.create(ClientConfig.builder()
                        .socketOptions(SocketOptions.builder().typeOfService(service).build()).build())) {
                    assertEquals(200, client.send(Request.get(url)).statusCode());
                }
            }
            try (Client client = Client.create(ClientConfig.builder().socketOptions(SocketOptions.builder()
                    .typeOfService(SocketOptions.TypeOfService.LOW_COST).build()).build())) {
                UnsupportedSocketOptionException e = assertThrows(UnsupportedSocketOptionException.class,
                        () -> client.send(Request.get(url)));
                assertEquals("IP_TOS 0x02 was not applied: the socket kept 0x00", e.getMessage());
                assertEquals(0, client.openConnections());
            }
        });
    }
}
