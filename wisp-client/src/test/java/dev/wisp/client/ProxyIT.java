package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.ResponseHead;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificates;
import dev.wisp.testing.TinyproxyPeer;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.WebSocketMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through tinyproxy: http requests in absolute-form, https through a CONNECT tunnel to openssl s_server, a ws
 * WebSocket through a CONNECT tunnel, the upgrade of a live connection where it is a tunnel and its refusal where it
 * is not, proxy credentials for the proxy only, its 407 as a typed error, and hosts on the bypass list reached
 * directly.
 */
class ProxyIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    @TempDir
    static Path directory;
    private static TinyproxyPeer proxy;
    private static OpensslPeer tlsOrigin;
    private static Server origin;

    @BeforeAll
    static void start() throws Exception {
        proxy = TinyproxyPeer.start(Files.createDirectories(directory.resolve("proxy")));
        tlsOrigin = OpensslPeer.start(Files.createDirectories(directory.resolve("tls")));
        origin = Server.create(ServerConfig.builder().port(0).build(), router()).start();
    }

    private static Router router() {
        return router(false);
    }

    /**
     * The origins of the proxy tests: {@code /seen} tells the Via and Proxy-Authorization fields it got (and the
     * protocol, if {@code showsProtocol}); {@code /echo} is a WebSocket that answers "echo " and the text.
     */
    static Router router(boolean showsProtocol) {
        return Router.builder()
                .get("/seen", (request, response) -> response.send((showsProtocol ? request.protocol() + " " : "")
                        + "via " + request.headers().firstOrNull("Via") + ", proxy auth "
                        + request.headers().firstOrNull("Proxy-Authorization")))
                .webSocket("/echo", WebSocketConfig.defaults(), request -> new WebSocketListener() {
                    @Override
                    public void onText(WebSocket webSocket, String text) throws IOException {
                        webSocket.sendText("echo " + text);
                    }
                })
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        PeerTools.closeAll(proxy, tlsOrigin, origin);
    }

    private static ProxyConfig withCredentials() {
        return ProxyConfig.of("http://" + TinyproxyPeer.USER + ":pr%78xy@127.0.0.1:" + proxy.port());
    }

    @Test
    void sendsHttpRequestsThroughTheProxyWithItsCredentialsOnly() {
        assertTimeoutPreemptively(LIMIT, () -> {
            List<Integer> connectedPorts = new CopyOnWriteArrayList<>();
            ClientConfig config = ClientConfig.builder().proxy(withCredentials()).eventListener(new EventListener() {
                @Override
                public void connected(ConnectionInfo to, InetSocketAddress remote) {
                    connectedPorts.add(remote.getPort());
                }
            }).build();
            try (Client client = Client.create(config)) {
                String seen = client.send(Request.get("http://127.0.0.1:" + origin.port() + "/seen")).text();
                assertTrue(seen.startsWith("via 1.1 ") && seen.contains("tinyproxy"), seen);
                assertTrue(seen.endsWith("proxy auth null"), "the proxy keeps its credentials: " + seen);
            }
            assertEquals(List.of(proxy.port()), connectedPorts);
        });
    }

    @Test
    void tunnelsHttpsThroughConnectAndVerifiesTheOrigin() {
        assertTimeoutPreemptively(LIMIT, () -> {
            // Each tunnel is an event with tinyproxy's answer, before the connection to the origin is up.
            List<String> events = new CopyOnWriteArrayList<>();
            ClientConfig config = ClientConfig.builder().proxy(withCredentials())
                    .tls(tlsOrigin.trustingTls()).eventListener(new EventListener() {
                        @Override
                        public void tunnelOpened(ConnectionInfo connection, ResponseHead response) {
                            events.add(connection.origin().port() + " " + response.status().code());
                        }

                        @Override
                        public void connected(ConnectionInfo connection, InetSocketAddress remote) {
                            events.add("connected");
                        }
                    }).build();
            try (Client client = Client.create(config)) {
                Response response = client.send(Request.get("https://localhost:" + tlsOrigin.port() + "/"));
                assertEquals(200, response.statusCode());
                assertTrue(response.text().contains("s_server"));
            }
            assertEquals(List.of(tlsOrigin.port() + " 200", "connected"), events);
        });
    }

    @Test
    void opensAWebSocketToAnHttpOriginThroughAConnectTunnel() {
        assertTimeoutPreemptively(LIMIT, () -> {
            // RFC 6455 §4.1: through a proxy, a WebSocket asks for a tunnel (CONNECT); a forward proxy would not
            // relay the upgrade, and the request in origin-form is not one it can take.
            try (Client client = Client.create(ClientConfig.builder().proxy(withCredentials()).build())) {
                WebSocket webSocket = client.webSocket("ws://127.0.0.1:" + origin.port() + "/echo",
                        WebSocketConfig.defaults());
                assertEchoes(webSocket, "through tinyproxy");
            }
        });
    }

    @Test
    void aProxyAsking407GivesATypedErrorCarryingItsResponse() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ClientConfig config = ClientConfig.builder().proxy(ProxyConfig.http("127.0.0.1", proxy.port()))
                    .tls(tlsOrigin.trustingTls()).build();
            try (Client client = Client.create(config)) {
                ProxyAuthenticationException tunnel = assertThrows(ProxyAuthenticationException.class,
                        () -> client.send(Request.get("https://localhost:" + tlsOrigin.port() + "/")));
                assertEquals("proxy 127.0.0.1:" + proxy.port() + " requires authentication (407 Proxy Authentication"
                        + " Required): no credentials given for it (ProxyConfig.withCredentials, or user:password@ in"
                        + " the proxy URL)", tunnel.getMessage());
                assertEquals(407, tunnel.response().status().code());
                assertTrue(tunnel.challenges().getFirst().startsWith("Basic"), tunnel.challenges().toString());
                assertFalse(tunnel.credentialsRefused());
                ProxyAuthenticationException plain = assertThrows(ProxyAuthenticationException.class,
                        () -> client.send(Request.get("http://127.0.0.1:" + origin.port() + "/seen")));
                assertEquals(407, plain.response().status().code());
                assertEquals(0, client.openConnections());
            }
            ProxyConfig wrong = ProxyConfig.of("http://" + TinyproxyPeer.USER + ":wrong@127.0.0.1:" + proxy.port());
            try (Client client = Client.create(config.toBuilder().proxy(wrong).build())) {
                ProxyAuthenticationException refused = assertThrows(ProxyAuthenticationException.class,
                        () -> client.send(Request.get("https://localhost:" + tlsOrigin.port() + "/")));
                assertTrue(refused.credentialsRefused());
                assertTrue(refused.getMessage().endsWith("it refused the credentials given"), refused.getMessage());
            }
            ProxyConfig returning = ProxyConfig.http("127.0.0.1", proxy.port()).withChallengesReturned();
            try (Client client = Client.create(config.toBuilder().proxy(returning).build())) {
                try (Response response = client.send(Request.get("http://127.0.0.1:" + origin.port() + "/seen"))) {
                    assertEquals(407, response.statusCode(), "the proxy's answer, as curl shows it");
                    assertTrue(response.headers().contains("Proxy-Authenticate"));
                    assertFalse(response.text().contains("via"), "the origin's body is not there");
                }
                assertThrows(ProxyAuthenticationException.class,
                        () -> client.send(Request.get("https://localhost:" + tlsOrigin.port() + "/")),
                        "a refused tunnel still fails: nothing of the origin can follow it");
            }
        });
    }

    @Test
    void goesAroundTheProxyForTheHostsOfItsBypassList() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String url = "http://127.0.0.1:" + origin.port() + "/seen";
            for (String list : List.of("127.0.0.1", "example.com, 127.0.0.1", "*")) {
                try (Client client = Client.create(ClientConfig.builder().proxy(withCredentials().withBypass(list))
                        .build())) {
                    assertEquals("via null, proxy auth null", client.send(Request.get(url)).text(), list);
                }
            }
            try (Client client = Client.create(ClientConfig.builder()
                    .proxy(withCredentials().withBypass("127.0.0.2,.example.com")).build())) {
                assertTrue(client.send(Request.get(url)).text().contains("tinyproxy"), "not bypassed");
            }
        });
    }

    @Test
    void refusesToUpgradeAConnectionThatIsNotATunnelBeforeSendingAnything() {
        assertTimeoutPreemptively(LIMIT, () -> {
            // Before this refusal, the upgrade went to tinyproxy in origin-form and without the proxy's credentials:
            // its 407 came back as a WebSocketRefusedException, as if the origin had refused.
            Origin plain = Origin.plaintext("127.0.0.1", origin.port());
            try (ClientConnection connection = ClientConnection.connect(plain,
                    ClientConfig.builder().proxy(withCredentials()).build())) {
                WebSocketNeedsTunnelException refused = assertThrows(WebSocketNeedsTunnelException.class,
                        () -> connection.upgradeToWebSocket(Request.get(plain.uri("/echo").toString()),
                                WebSocketConfig.defaults()));
                assertEquals("cannot upgrade the connection to http://127.0.0.1:" + origin.port() + " to WebSocket:"
                        + " it goes through the HTTP proxy 127.0.0.1:" + proxy.port() + ", which takes requests in"
                        + " absolute-form and would not relay the upgrade; a WebSocket needs a CONNECT tunnel there"
                        + " (RFC 6455 §4.1): use Client.webSocket, which opens one, or an https origin",
                        refused.getMessage());
                String seen = connection.send(Request.get(plain.uri("/seen").toString())).text();
                assertTrue(seen.contains("tinyproxy"), "the connection still carries HTTP: " + seen);
            }
        });
    }

    @Test
    void upgradesAConnectionToAnHttpsOriginThroughItsConnectTunnel() {
        assertTimeoutPreemptively(LIMIT, () -> {
            TestCertificate ca = TestCertificates.ca(KeyType.EC);
            TestCertificate certificate = TestCertificates.server(ca, KeyType.EC);
            ServerConfig tls = ServerConfig.builder().port(0).tls(TlsConfig.builder()
                    .identity(TlsIdentity.pem(certificate.chainPem(), certificate.keys().pkcs8Pem())).build()).build();
            try (Server server = Server.create(tls, router()).start()) {
                Origin secure = Origin.tls("localhost", server.port());
                ClientConfig config = ClientConfig.builder().proxy(withCredentials())
                        .tls(TlsConfig.builder().trustedCertificatesPem(ca.certificatePem()).build()).build();
                try (ClientConnection connection = ClientConnection.connect(secure, config)) {
                    assertEquals("via null, proxy auth null",
                            connection.send(Request.get(secure.uri("/seen").toString())).text());
                    WebSocket webSocket = connection.upgradeToWebSocket(Request.get(secure.uri("/echo").toString()),
                            WebSocketConfig.defaults());
                    assertEchoes(webSocket, "tunnelled");
                }
            }
        });
    }

    @Test
    void upgradesAConnectionToAHostTheProxyIsBypassedFor() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Origin plain = Origin.plaintext("127.0.0.1", origin.port());
            try (ClientConnection connection = ClientConnection.connect(plain,
                    ClientConfig.builder().proxy(withCredentials().withBypass("127.0.0.1")).build())) {
                WebSocket webSocket = connection.upgradeToWebSocket(Request.get(plain.uri("/echo").toString()),
                        WebSocketConfig.defaults());
                assertEchoes(webSocket, "direct");
            }
        });
    }

    /** Sends a text to the origin's echo endpoint and reads its answer, then closes the WebSocket. */
    private static void assertEchoes(WebSocket webSocket, String text) throws IOException {
        webSocket.sendText(text);
        assertEquals(Optional.of(new WebSocketMessage.Text("echo " + text)), webSocket.receive());
        webSocket.close();
    }
}
