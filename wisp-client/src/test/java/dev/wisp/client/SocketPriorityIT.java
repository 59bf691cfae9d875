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
import dev.wisp.testing.Socks5Peer;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Connections with a priority, which the client opens through native calls rather than the JDK's socket channel,
 * against Wisp's own server on loopback: everything above the socket (TLS, keep-alive in the pool, WebSocket, a
 * SOCKS5 tunnel) and everything of the connect itself (address order, local binding, refusal, the connect timeout)
 * works as on any connection. {@link SocketPriorityOnTheWireIT} shows the priority itself.
 */
class SocketPriorityIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final TestCertificate CA = TestCertificates.ca(KeyType.EC);
    private static final TestCertificate SERVER = TestCertificates.server(CA, KeyType.EC);
    private static final Router ROUTER = Router.builder()
            .get("/whoami", (request, response) -> {
                var remote = request.connection().remoteAddress();
                response.send(remote.getAddress().getHostAddress() + ":" + remote.getPort());
            })
            .blockingWebSocket("/echo", WebSocketConfig.defaults(), (request, webSocket) -> {
                for (Optional<WebSocketMessage> message; (message = webSocket.receive()).isPresent(); ) {
                    if (message.get() instanceof WebSocketMessage.Text text) {
                        webSocket.sendText(text.text());
                    }
                }
            })
            .build();

    private static SocketOptions.Builder priority() {
        return SocketOptions.builder().priority(6);
    }

    /** dual.test at the port: ::1 first, then 127.0.0.1. */
    private static Resolver dualStack(int port) throws IOException {
        return Resolver.fixed(Map.of("dual.test:" + port,
                List.of(InetAddress.getByName("::1"), InetAddress.getByName("127.0.0.1"))), Resolver.SYSTEM);
    }

    @Test
    void tlsKeepAliveAndWebSocketRunOverThePrioritizedSocket() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ServerConfig tls = ServerConfig.builder().port(0).bindAddress(InetAddress.getLoopbackAddress())
                    .tls(TlsConfig.builder().identity(TlsIdentity.pem(SERVER.chainPem(), SERVER.keys().pkcs8Pem()))
                            .build()).build();
            try (Server server = Server.create(tls, ROUTER).start();
                    Client client = Client.create(ClientConfig.builder().socketOptions(priority().build())
                            .tls(TlsConfig.builder().trustedCertificatesPem(CA.certificatePem()).build()).build())) {
                String url = "https://localhost:" + server.port();
                String first = client.send(Request.get(url + "/whoami")).text();
                assertEquals(first, client.send(Request.get(url + "/whoami")).text(), "one connection, kept alive");
                assertEquals(1, client.openConnections());
                try (WebSocket webSocket = client.webSocket(url.replace("https", "wss") + "/echo",
                        WebSocketConfig.defaults())) {
                    webSocket.sendText("über");
                    assertEquals(Optional.of(new WebSocketMessage.Text("über")), webSocket.receive());
                }
            }
        });
    }

    /** ::1 refuses (nothing listens there on that port), so the IPv4 attempt, bound to the local port, wins. */
    @Test
    void triesTheNextAddressWhenOneRefusesAndBindsTheLocalPort() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int localPort = freeLocalPort();
            assertEquals("127.0.0.1:" + localPort, whoAmIFromLocalPort(localPort, null));
        });
    }

    /** The local port is held on ::1, so the native socket cannot bind there; the IPv4 attempt, bound to it, wins. */
    @Test
    void aLocalPortHeldOnOneAddressFailsThatAddressAloneAndTheNextWins() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int localPort = freeLocalPort();
            assertEquals("127.0.0.1:" + localPort, whoAmIFromLocalPort(localPort, "::1"));
        });
    }

    /** ::1 refuses and the local port is held on 127.0.0.1: the error names 127.0.0.1, whose failure it reports. */
    @Test
    void whenEveryAddressFailsTheErrorNamesTheOneThatFailedLast() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int localPort = freeLocalPort();
            ConnectFailedException e = assertThrows(ConnectFailedException.class,
                    () -> whoAmIFromLocalPort(localPort, "127.0.0.1"));
            assertTrue(e.getMessage().matches("cannot connect to dual\\.test:\\d+ \\(127\\.0\\.0\\.1\\): "
                    + "Address already in use"), e.getMessage());
        });
    }

    /**
     * Asks dual.test (::1 first, then 127.0.0.1, where alone the server listens) who the client is, from the local
     * port, which another socket holds on the given address meanwhile unless it is null.
     */
    private static String whoAmIFromLocalPort(int localPort, String heldOn) throws IOException {
        try (Server server = Server.create(ServerConfig.builder().bindAddress(InetAddress.getByName("127.0.0.1"))
                        .port(0).build(), ROUTER).start();
                Socket holder = new Socket()) {
            if (heldOn != null) {
                holder.bind(new InetSocketAddress(InetAddress.getByName(heldOn), localPort));
            }
            ClientConfig config = ClientConfig.builder().resolver(dualStack(server.port()))
                    .socketOptions(priority().localPort(localPort).build()).build();
            try (Client client = Client.create(config)) {
                return client.send(Request.get("http://dual.test:" + server.port() + "/whoami")).text();
            }
        }
    }

    /**
     * ::1 answers nothing (its accept queue is full), so the IPv4 attempt starts after the attempt delay and wins,
     * and the IPv6 one, still waiting for its SYN to be answered, is closed.
     */
    @Test
    void theNextFamilyWinsWhenTheFirstDoesNotAnswerAndTheLoserIsClosed() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (BlackHoleListener blackHole = BlackHoleListener.open(InetAddress.getByName("::1"));
                    Server server = Server.create(ServerConfig.builder().bindAddress(InetAddress.getByName("127.0.0.1"))
                            .port(blackHole.port()).build(), ROUTER).start()) {
                ClientConfig config = ClientConfig.builder().resolver(dualStack(server.port()))
                        .connectTimeout(Duration.ofSeconds(8))
                        .socketOptions(priority().connectionAttemptDelay(Duration.ofMillis(100)).build()).build();
                try (Client client = Client.create(config)) {
                    String whoami = client.send(Request.get("http://dual.test:" + server.port() + "/whoami")).text();
                    assertEquals("127.0.0.1", whoami.substring(0, whoami.indexOf(':')));
                    assertEquals(1, client.openConnections());
                }
            }
        });
    }

    @Test
    void aRefusedConnectionAndAnUnansweredOneFailAsWithoutAPriority() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int closed = freeLocalPort();
            ClientConfig config = ClientConfig.builder().socketOptions(priority().build())
                    .connectTimeout(Duration.ofMillis(300)).build();
            try (BlackHoleListener blackHole = BlackHoleListener.open(InetAddress.getByName("127.0.0.1"));
                    Client client = Client.create(config)) {
                ConnectRefusedException refused = assertThrows(ConnectRefusedException.class,
                        () -> client.send(Request.get("http://127.0.0.1:" + closed + "/")));
                assertEquals("connection to 127.0.0.1:" + closed + " (127.0.0.1) refused", refused.getMessage());
                TimeoutExceededException late = assertThrows(TimeoutExceededException.class,
                        () -> client.send(Request.get("http://127.0.0.1:" + blackHole.port() + "/")));
                assertEquals(Timeout.CONNECT, late.timeout());
                assertEquals(0, client.openConnections());
            }
        });
    }

    @Test
    void tunnelsThroughASocks5Proxy() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), ROUTER).start();
                    Socks5Peer proxy = Socks5Peer.start();
                    Client client = Client.create(ClientConfig.builder().socketOptions(priority().build())
                            .proxy(ProxyConfig.of("socks5://127.0.0.1:" + proxy.port())).build())) {
                assertEquals(200, client.send(Request.get("http://127.0.0.1:" + server.port() + "/whoami"))
                        .statusCode());
                assertEquals(1, proxy.requests().size());
            }
        });
    }

    @Test
    void aPriorityIsForTcpSocketsOnly() {
        assertEquals("priority (SO_PRIORITY) is for TCP sockets, not a Unix domain socket",
                assertThrows(IllegalArgumentException.class, () -> priority().unixSocket(Path.of("wisp.sock")).build())
                        .getMessage());
    }

    /**
     * A port of this test's range free now on both loopback addresses, for the client to bind (its ::1 attempt as
     * well as its 127.0.0.1 one) or to find nothing listening on. The range lies below Linux's ephemeral ports
     * (32768 and up), so no connection made meanwhile takes the port for its own end; and the port is probed as the
     * client binds, without {@code SO_REUSEADDR}. A probe of 127.0.0.1 alone, in the ephemeral range, once passed a
     * port that the client then found in use ("Address already in use").
     */
    private static int freeLocalPort() throws IOException {
        int start = (int) (Math.random() * 700);
        for (int i = 0; i < 700; i++) {
            int port = 22200 + (start + i) % 700;
            if (bindsAsAClient("127.0.0.1", port) && bindsAsAClient("::1", port)) {
                return port;
            }
        }
        throw new IOException("no free port in 22200-22899");
    }

    private static boolean bindsAsAClient(String address, int port) throws IOException {
        try (Socket probe = new Socket()) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return true;
        } catch (IOException inUse) {
            return false; // taken: the next one
        }
    }
}
