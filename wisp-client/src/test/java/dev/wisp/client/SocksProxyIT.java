package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.SocksProxyException.Failure;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.Socks5Peer;
import dev.wisp.testing.Socks5Peer.ConnectRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the SOCKS5 test peer (proven against curl in {@link Socks5PeerIT}; Dante covers the common path in
 * {@link DanteIT}): http and https (TLS to the origin,
 * its name verified), socks5 sending an address the client resolved and socks5h a name, credentials, every failure
 * reply as its typed error, a proxy that stalls, and the bypass list; after each failure the proxy sees the
 * connection closed.
 */
class SocksProxyIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    @TempDir
    static Path directory;
    private static OpensslPeer tlsOrigin;
    private static Server origin;

    @BeforeAll
    static void start() throws Exception {
        tlsOrigin = OpensslPeer.start(Files.createDirectories(directory.resolve("tls")));
        origin = Server.create(ServerConfig.builder().port(0).build(), Router.builder()
                .get("/seen", (request, response) -> response.send("target " + request.target() + ", proxy auth "
                        + request.headers().firstOrNull("Proxy-Authorization")))
                .build()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable peer : new AutoCloseable[] {tlsOrigin, origin}) {
            if (peer != null) {
                peer.close();
            }
        }
    }

    private static String seenUrl() {
        return "http://localhost:" + origin.port() + "/seen";
    }

    @Test
    void socks5SendsTheAddressTheClientResolvedAndSocks5hTheName() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Socks5Peer peer = Socks5Peer.start()) {
                List<String> looked = new CopyOnWriteArrayList<>();
                Resolver recording = (host, port) -> {
                    looked.add(host);
                    return Resolver.SYSTEM.resolve(host, port);
                };
                ClientConfig config = ClientConfig.builder().resolver(recording)
                        .proxy(ProxyConfig.of("socks5://127.0.0.1:" + peer.port())).build();
                try (Client client = Client.create(config)) {
                    assertEquals("target /seen, proxy auth null", client.send(Request.get(seenUrl())).text());
                }
                assertEquals(List.of("localhost", "127.0.0.1"), looked);
                looked.clear();
                try (Client client = Client.create(config.toBuilder()
                        .proxy(ProxyConfig.socks5("127.0.0.1", peer.port(), true)).build())) {
                    assertEquals("target /seen, proxy auth null", client.send(Request.get(seenUrl())).text());
                }
                assertEquals(List.of("127.0.0.1"), looked, "socks5h leaves the origin's name to the proxy");
                assertEquals(List.of(new ConnectRequest(Socks5Peer.IPV4, "127.0.0.1", origin.port(), null),
                        new ConnectRequest(Socks5Peer.DOMAIN_NAME, "localhost", origin.port(), null)), peer.requests());
                assertEquals(List.of(), peer.violations());
            }
        });
    }

    @Test
    void tunnelsHttpsAndVerifiesTheOriginsNameWithCredentialsFromTheUrl() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Socks5Peer peer = Socks5Peer.start().credentials("user", "s3cret")) {
                for (String scheme : List.of("socks5", "socks5h")) {
                    ClientConfig config = ClientConfig.builder().tls(tlsOrigin.trustingTls())
                            .proxy(ProxyConfig.of(scheme + "://user:s3cret@127.0.0.1:" + peer.port())).build();
                    try (Client client = Client.create(config)) {
                        Response response = client.send(Request.get("https://localhost:" + tlsOrigin.port() + "/"));
                        assertEquals(200, response.statusCode());
                        assertTrue(response.text().contains("s_server"));
                        // The certificate names localhost only: an address as the origin fails verification.
                        TlsHandshakeException mismatch = assertThrows(TlsHandshakeException.class,
                                () -> client.send(Request.get("https://127.0.0.1:" + tlsOrigin.port() + "/")));
                        assertTrue(mismatch.isCertificateRejected(), mismatch.getMessage());
                    }
                }
                assertEquals("user", peer.requests().getFirst().user());
                assertEquals(List.of(), peer.violations());
            }
        });
    }

    @Test
    void wrongOrMissingCredentialsAreAuthenticationFailures() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Socks5Peer peer = Socks5Peer.start().credentials("user", "s3cret")) {
                ProxyConfig proxy = ProxyConfig.socks5("127.0.0.1", peer.port(), true);
                try (Client client = Client.create(ClientConfig.builder()
                        .proxy(proxy.withCredentials("user", "wrong")).build())) {
                    SocksProxyException refused = assertThrows(SocksProxyException.class,
                            () -> client.send(Request.get(seenUrl())));
                    assertEquals(Failure.AUTHENTICATION_REFUSED, refused.failure());
                    assertTrue(refused.isAuthentication());
                    assertEquals("CONNECT to localhost:" + origin.port() + " through socks5h proxy 127.0.0.1:"
                            + peer.port() + " (with credentials) as user 'user': user and password refused (SOCKS"
                            + " reply 1)", refused.getMessage());
                }
                try (Client client = Client.create(ClientConfig.builder().proxy(proxy).build())) {
                    SocksProxyException missing = assertThrows(SocksProxyException.class,
                            () -> client.send(Request.get(seenUrl())));
                    assertEquals(Failure.NO_ACCEPTABLE_METHOD, missing.failure());
                    assertTrue(missing.getMessage().contains("none were given"), missing.getMessage());
                }
                assertTrue(peer.awaitClientCloses(1, 5000), "the client closes its connection after a refusal");
                assertEquals(List.of(), peer.requests());
            }
        });
    }

    @Test
    void eachFailureReplyBecomesItsTypedError() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Socks5Peer peer = Socks5Peer.start();
                    Client client = Client.create(ClientConfig.builder()
                            .proxy(ProxyConfig.socks5("127.0.0.1", peer.port(), false)).build())) {
                Failure[] expected = {Failure.GENERAL_FAILURE, Failure.NOT_ALLOWED, Failure.NETWORK_UNREACHABLE,
                    Failure.HOST_UNREACHABLE, Failure.CONNECTION_REFUSED, Failure.TTL_EXPIRED,
                    Failure.COMMAND_NOT_SUPPORTED, Failure.ADDRESS_TYPE_NOT_SUPPORTED, Failure.UNKNOWN_REPLY};
                for (int code = 1; code <= 9; code++) {
                    peer.reply(code);
                    SocksProxyException failed = assertThrows(SocksProxyException.class,
                            () -> client.send(Request.get(seenUrl())));
                    assertEquals(expected[code - 1], failed.failure());
                    assertEquals(code, failed.replyCode());
                    assertTrue(failed.getMessage().endsWith(": " + expected[code - 1].text() + " (SOCKS reply "
                            + code + ")"), failed.getMessage());
                }
                assertTrue(peer.awaitClientCloses(9, 5000), "every refused connection closed by the client: "
                        + peer.clientCloses() + " " + peer.violations());
                assertEquals(0, client.openConnections());
                assertEquals(List.of(), peer.violations());
            }
        });
    }

    @Test
    void aProxyThatStallsCostsTheConnectTimeout() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Socks5Peer peer = Socks5Peer.start().stall(true);
                    Client client = Client.create(ClientConfig.builder().connectTimeout(Duration.ofMillis(200))
                            .proxy(ProxyConfig.socks5("127.0.0.1", peer.port(), true)).build())) {
                TimeoutExceededException timeout = assertThrows(TimeoutExceededException.class,
                        () -> client.send(Request.get(seenUrl())));
                assertEquals(TimeoutExceededException.Timeout.CONNECT, timeout.timeout());
                assertTrue(timeout.getMessage().contains("SOCKS5 CONNECT to localhost:" + origin.port()),
                        timeout.getMessage());
                assertTrue(peer.awaitClientCloses(1, 5000), "the client closes the stalled connection");
            }
        });
    }

    @Test
    void goesAroundTheProxyForTheHostsOfItsBypassList() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Socks5Peer peer = Socks5Peer.start()) {
                ProxyConfig proxy = ProxyConfig.socks5("127.0.0.1", peer.port(), true);
                try (Client client = Client.create(ClientConfig.builder().proxy(proxy.withBypass("localhost"))
                        .build())) {
                    assertEquals("target /seen, proxy auth null", client.send(Request.get(seenUrl())).text());
                }
                assertEquals(List.of(), peer.requests());
                try (Client client = Client.create(ClientConfig.builder().proxy(proxy.withBypass("example.com"))
                        .build())) {
                    client.send(Request.get(seenUrl())).text();
                }
                assertEquals(1, peer.requests().size());
            }
        });
    }
}
