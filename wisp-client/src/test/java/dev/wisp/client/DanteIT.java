package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.SocksProxyException.Failure;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through Dante, a real SOCKS5 proxy: http and https (the origin's name verified over the tunnel) with socks5 and
 * socks5h, and its refusal of a port nothing listens on as the typed error.
 */
class DanteIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    @TempDir
    static Path directory;
    private static DantePeer proxy;
    private static OpensslPeer tlsOrigin;
    private static Server origin;

    @BeforeAll
    static void start() throws Exception {
        proxy = DantePeer.start(Files.createDirectories(directory.resolve("proxy")));
        tlsOrigin = OpensslPeer.start(Files.createDirectories(directory.resolve("tls")));
        origin = Server.create(ServerConfig.builder().port(0).build(), Router.builder()
                .get("/peer", (request, response) -> response.send("target " + request.target()))
                .build()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable peer : new AutoCloseable[] {proxy, tlsOrigin, origin}) {
            if (peer != null) {
                peer.close();
            }
        }
    }

    @Test
    void sendsHttpAndHttpsThroughDanteWithEitherKindOfAddress() {
        assertTimeoutPreemptively(LIMIT, () -> {
            for (String scheme : List.of("socks5", "socks5h")) {
                ClientConfig config = ClientConfig.builder().tls(tlsOrigin.trustingTls())
                        .proxy(ProxyConfig.of(scheme + "://127.0.0.1:" + proxy.port())).build();
                try (Client client = Client.create(config)) {
                    assertEquals("target /peer", client.send(Request.get("http://localhost:" + origin.port() + "/peer"))
                            .text(), scheme);
                    Response response = client.send(Request.get("https://localhost:" + tlsOrigin.port() + "/"));
                    assertEquals(200, response.statusCode(), scheme);
                    assertTrue(response.text().contains("s_server"), scheme);
                }
            }
        });
    }

    @Test
    void danteRefusingAClosedPortIsConnectionRefused() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int closed;
            try (ServerSocket probe = new ServerSocket(0)) {
                closed = probe.getLocalPort();
            }
            try (Client client = Client.create(ClientConfig.builder()
                    .proxy(ProxyConfig.socks5("127.0.0.1", proxy.port(), true)).build())) {
                SocksProxyException refused = assertThrows(SocksProxyException.class,
                        () -> client.send(Request.get("http://localhost:" + closed + "/")));
                assertEquals(Failure.CONNECTION_REFUSED, refused.failure());
                assertEquals(0, client.openConnections());
            }
        });
    }
}
