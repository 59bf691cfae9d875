package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.HttpsProxyPeer;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificates;
import dev.wisp.testing.TinyproxyPeer;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through an HTTPS proxy, curl's {@code -x https://}: stunnel ends TLS for {@code localhost} (a certificate without
 * 127.0.0.1 in it, from a CA of the test's) in front of tinyproxy, which wants Basic credentials. An http origin's
 * requests go in absolute-form inside the proxy's TLS; an https origin's through a CONNECT tunnel inside it, with
 * TLS to the origin inside that (HTTP/2 by ALPN), and so does a WebSocket. curl, run against the same proxy with
 * {@code --proxy-cacert}, is the reference for what comes back and for what fails.
 */
class HttpsProxyIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    @TempDir
    static Path directory;
    private static Path caFile;
    private static HttpsProxyPeer stunnel;
    private static Server origin;
    private static Server tlsOrigin;

    @BeforeAll
    static void start() throws Exception {
        stunnel = HttpsProxyPeer.start(directory, true);
        caFile = stunnel.caFile();
        origin = Server.create(ServerConfig.builder().port(0).build(), ProxyIT.router(true)).start();
        TestCertificate originCertificate = TestCertificates.server(stunnel.ca(), KeyType.EC);
        tlsOrigin = Server.create(ServerConfig.builder().port(0).http2(true).tls(TlsConfig.builder()
                .identity(TlsIdentity.pem(originCertificate.chainPem(), originCertificate.keys().pkcs8Pem()))
                .build()).build(), ProxyIT.router(true)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        PeerTools.closeAll(stunnel, origin, tlsOrigin);
    }

    /** The proxy by the name its certificate has, with tinyproxy's credentials, trusting the test's CA. */
    private static ProxyConfig proxy(String host) {
        return ProxyConfig.of("https://" + TinyproxyPeer.USER + ":" + TinyproxyPeer.PASSWORD + "@" + host + ":"
                + stunnel.port()).withTls(TlsConfig.builder().trustedCertificates(caFile).build());
    }

    private static ClientConfig.Builder trustingOrigins() {
        return ClientConfig.builder()
                .tls(TlsConfig.builder().trustedCertificatesPem(stunnel.ca().certificatePem()).build());
    }

    @Test
    void forwardsAnHttpOriginsRequestsInsideTheProxysTlsAsCurlDoes() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String url = "http://127.0.0.1:" + origin.port() + "/seen";
            try (Client client = Client.create(ClientConfig.builder().proxy(proxy("localhost")).build())) {
                String seen = client.send(Request.get(url)).text();
                assertTrue(seen.startsWith("HTTP/1.1 via 1.1 ") && seen.contains("tinyproxy"), seen);
                assertTrue(seen.endsWith("proxy auth null"), "the proxy keeps its credentials: " + seen);
                assertEquals(seen, client.send(Request.get(url)).text(), "again, on the kept connection");
                assertEquals(1, client.openConnections());
                assertEquals(seen, curl("https://localhost", url).stdout());
            }
        });
    }

    @Test
    void tunnelsTlsToAnHttpsOriginInsideTheProxysTlsAsCurlDoes() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String url = "https://localhost:" + tlsOrigin.port() + "/seen";
            try (Client client = Client.create(trustingOrigins().proxy(proxy("localhost")).build())) {
                String seen = client.send(Request.get(url)).text();
                assertEquals("HTTP/2 via null, proxy auth null", seen, "end to end: tinyproxy sees only bytes");
                assertEquals(seen, curl("https://localhost", url, "--cacert", caFile.toString()).stdout());
                WebSocket webSocket = client.webSocket("wss://localhost:" + tlsOrigin.port() + "/echo",
                        WebSocketConfig.defaults());
                webSocket.sendText("inside two TLS sessions");
                assertEquals(Optional.of(new WebSocketMessage.Text("echo inside two TLS sessions")),
                        webSocket.receive());
                webSocket.close();
            }
            try (Client client = Client.create(ClientConfig.builder().proxy(proxy("localhost")).build())) {
                WebSocket webSocket = client.webSocket("ws://127.0.0.1:" + origin.port() + "/echo",
                        WebSocketConfig.defaults());
                webSocket.sendText("through the tunnel");
                assertEquals(Optional.of(new WebSocketMessage.Text("echo through the tunnel")), webSocket.receive());
                webSocket.close();
            }
        });
    }

    @Test
    void refusesAProxyCertificateForAnotherNameAsCurlDoes() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String url = "http://localhost:" + origin.port() + "/seen";
            try (Client client = Client.create(ClientConfig.builder().proxy(proxy("127.0.0.1")).build())) {
                TlsHandshakeException refused = assertThrows(TlsHandshakeException.class,
                        () -> client.send(Request.get(url)));
                assertTrue(refused.isCertificateRejected());
                assertTrue(refused.getMessage().startsWith("TLS handshake with proxy 127.0.0.1:" + stunnel.port()
                        + " failed: No subject alternative names matching IP address 127.0.0.1 found"),
                        refused.getMessage());
            }
            PeerTools.Result curl = curl("https://127.0.0.1", url);
            assertEquals(60, curl.exitCode(), curl.stderr());
            // Relaxed as curl's --proxy-insecure relaxes it: for the proxy, not for an origin.
            ProxyConfig insecure = proxy("127.0.0.1").withTls(TlsConfig.builder().insecureTrustAll().build());
            try (Client client = Client.create(ClientConfig.builder().proxy(insecure).build())) {
                assertTrue(client.send(Request.get(url)).text().contains("tinyproxy"));
            }
            assertEquals(0, curl("https://127.0.0.1", url, "--proxy-insecure").exitCode());
        });
    }

    @Test
    void trustsTheJdksStoreForTheProxyByDefaultNotTheOriginsTrust() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ProxyConfig byDefault = ProxyConfig.https("localhost", stunnel.port());
            try (Client client = Client.create(trustingOrigins().proxy(byDefault).build())) {
                TlsHandshakeException refused = assertThrows(TlsHandshakeException.class,
                        () -> client.send(Request.get("https://localhost:" + tlsOrigin.port() + "/seen")));
                assertTrue(refused.isCertificateRejected());
                assertTrue(refused.getMessage().startsWith("TLS handshake with proxy localhost:" + stunnel.port()
                        + " failed: unable to find valid certification path"), refused.getMessage());
            }
            // curl's --cacert is for the origin alone too.
            PeerTools.Result curl = curlWith(List.of("-x", "https://localhost:" + stunnel.port(), "--cacert",
                    caFile.toString(), "https://localhost:" + tlsOrigin.port() + "/seen"));
            assertEquals(60, curl.exitCode(), curl.stderr());
        });
    }

    @Test
    void givesUpOnAProxyThatNeverAnswersTheHandshakeWithinItsTimeout() {
        assertTimeoutPreemptively(LIMIT, () -> {
            // The kernel completes the TCP connection into the backlog; nobody reads the ClientHello.
            try (ServerSocket silent = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
                ProxyConfig proxy = ProxyConfig.https("localhost", silent.getLocalPort())
                        .withTls(TlsConfig.builder().handshakeTimeout(Duration.ofMillis(200)).build());
                try (Client client = Client.create(ClientConfig.builder().proxy(proxy).build())) {
                    long start = System.nanoTime();
                    TimeoutExceededException late = assertThrows(TimeoutExceededException.class,
                            () -> client.send(Request.get("http://127.0.0.1:" + origin.port() + "/seen")));
                    long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
                    assertEquals(TimeoutExceededException.Timeout.HANDSHAKE, late.timeout());
                    assertEquals("TLS handshake with proxy localhost:" + silent.getLocalPort() + " exceeded 200 ms"
                            + " (handshakeTimeout)", late.getMessage());
                    assertTrue(waited >= 190 && waited < 5_000, "waited " + waited + " ms");
                }
            }
        });
    }

    /** curl through the proxy at this scheme and host, trusting the test's CA for it, with more options. */
    private static PeerTools.Result curl(String proxy, String url, String... options) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("-x", proxy + ":" + stunnel.port(), "-U",
                TinyproxyPeer.USER + ":" + TinyproxyPeer.PASSWORD, "--proxy-cacert", caFile.toString()));
        arguments.addAll(List.of(options));
        arguments.add(url);
        return curlWith(arguments);
    }

    private static PeerTools.Result curlWith(List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "-s"));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy"));
        return PeerTools.run(LIMIT, builder);
    }
}
