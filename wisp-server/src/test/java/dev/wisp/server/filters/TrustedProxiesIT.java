package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.NginxConfig;
import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's address behind proxies: nginx in front of the server, with curl from two loopback addresses, for the
 * access log and the rate limit; a client that writes the fields itself; the walk from the right through the
 * trusted hops, in {@code X-Forwarded-For} and {@code Forwarded}, over HTTP/1.1 and h2c.
 */
class TrustedProxiesIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    /** Answers with the client's address as the handler sees it. */
    private static Router whoRouter() {
        return Router.builder().get("/who", (request, response) -> response
                .send(request.connection().remoteAddress().getAddress().getHostAddress())).build();
    }

    @Test
    void behindNginxEachClientIsItselfInTheLogAndTheRateLimit() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            List<String> logged = new CopyOnWriteArrayList<>();
            HttpService service = HttpService.builder(whoRouter())
                    .filter(TrustedProxies.builder().trust("127.0.0.1").build())
                    .filter(AccessLog.to(logged::add))
                    .filter(RateLimit.builder(1, Duration.ofMinutes(1)).build())
                    .build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), service).start()) {
                int nginxPort = PeerProcess.freePort();
                Process nginx = NginxConfig.startListening(directory, nginxPort, """
                        server {
                            listen 127.0.0.1:%d;
                            location / {
                                proxy_pass http://127.0.0.1:%d;
                                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                            }
                        }
                        """.formatted(nginxPort, server.port()));
                try {
                    String url = "http://127.0.0.1:" + nginxPort + "/who";
                    assertEquals("200 127.0.0.2", curl("--interface", "127.0.0.2", url));
                    assertEquals("200 127.0.0.3", curl("--interface", "127.0.0.3", url),
                            "another client behind the same proxy has a rate of its own");
                    assertEquals("429 ", curl("--interface", "127.0.0.2", url).substring(0, 4));
                    assertEquals("429 ", curl("--interface", "127.0.0.3", "-H", "X-Forwarded-For: 192.0.2.9", url)
                            .substring(0, 4), "an address a client writes itself, left of its own, is passed over");
                } finally {
                    nginx.destroy();
                    nginx.waitFor();
                }
            }
            assertEquals(4, logged.size(), logged.toString());
            assertTrue(logged.get(0).startsWith("127.0.0.2 "), logged.get(0));
            assertTrue(logged.get(1).startsWith("127.0.0.3 "), logged.get(1));
            assertTrue(logged.get(3).startsWith("127.0.0.3 "), logged.get(3));
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "X_FORWARDED_FOR | X-Forwarded-For: 192.0.2.1 | 192.0.2.1",
        "X_FORWARDED_FOR | X-Forwarded-For: 192.0.2.1, 10.1.2.3 | 192.0.2.1",
        "X_FORWARDED_FOR | X-Forwarded-For: 198.51.100.7, 192.0.2.1, 10.1.2.3 | 192.0.2.1",
        "X_FORWARDED_FOR | X-Forwarded-For: 10.0.0.2, 10.0.0.1 | 10.0.0.2",
        "X_FORWARDED_FOR | X-Forwarded-For: 192.0.2.1:4711 | 192.0.2.1",
        "X_FORWARDED_FOR | X-Forwarded-For: [2001:db8::1]:4711 | 2001:db8:0:0:0:0:0:1",
        "X_FORWARDED_FOR | X-Forwarded-For: 2001:db8::1 | 2001:db8:0:0:0:0:0:1",
        "X_FORWARDED_FOR | X-Forwarded-For: 192.0.2.1, proxy.example, 10.1.2.3 | 10.1.2.3",
        "X_FORWARDED_FOR | X-Forwarded-For: unknown | 127.0.0.1",
        "X_FORWARDED_FOR | X-Forwarded-For: 1.2.3 | 127.0.0.1",
        "X_FORWARDED_FOR | X-Forwarded-For: | 127.0.0.1",
        "X_FORWARDED_FOR | Forwarded: for=192.0.2.1 | 127.0.0.1",
        "X_FORWARDED_FOR | Accept: */* | 127.0.0.1",
        "FORWARDED | Forwarded: for=192.0.2.60;proto=http;by=203.0.113.43 | 192.0.2.60",
        "FORWARDED | Forwarded: for=192.0.2.60, for=\"[2001:db8:cafe::17]:4711\" | 2001:db8:cafe:0:0:0:0:17",
        "FORWARDED | Forwarded: For=\"192.0.2.60\", for=10.0.0.1 | 192.0.2.60",
        "FORWARDED | Forwarded: for=192.0.2.60;host=\"a,b\", for=10.0.0.1 | 192.0.2.60",
        "FORWARDED | Forwarded: for=unknown, for=10.0.0.1 | 10.0.0.1",
        "FORWARDED | Forwarded: for=_hidden | 127.0.0.1",
        "FORWARDED | Forwarded: proto=https | 127.0.0.1",
        "FORWARDED | X-Forwarded-For: 192.0.2.1 | 127.0.0.1"})
    void walksTheForwardedAddressesFromTheRight(TrustedProxies.Field read, String field, String client) {
        assertEquals(client, text(who(proxies(read), InetAddress.getLoopbackAddress(), field)));
    }

    @Test
    void aClientThatIsNoTrustedProxyKeepsItsAddress() throws Exception {
        TrustedProxies proxies = proxies(TrustedProxies.Field.X_FORWARDED_FOR);
        InetAddress other = InetAddress.getByName("127.0.0.4");
        assertEquals("127.0.0.4", text(who(proxies, other, "X-Forwarded-For: 192.0.2.1")));
        assertEquals("127.0.0.4", text(who(proxies, other, "X-Forwarded-For: 10.0.0.1")));
    }

    @Test
    void fieldsOfOneNameAreReadInOrderAsOneList() {
        assertEquals("192.0.2.1", text(who(proxies(TrustedProxies.Field.X_FORWARDED_FOR),
                InetAddress.getLoopbackAddress(), "X-Forwarded-For: 198.51.100.1, 192.0.2.1",
                "X-Forwarded-For: 10.0.0.1")));
    }

    @Test
    void curlOverH2cIsReadAsOverHttp1() throws Exception {
        try (Server server = Server.create(ServerConfig.builder().port(0).http2(true).build(),
                HttpService.builder(whoRouter()).filter(proxies(TrustedProxies.Field.X_FORWARDED_FOR)).build())
                .start()) {
            PeerTools.Result result = PeerTools.run(TIMEOUT, List.of(PeerTools.require("curl").toString(), "-sS",
                    "--http2-prior-knowledge", "-w", " %{http_version}", "-H",
                    "X-Forwarded-For: 192.0.2.1, 10.0.0.1", "http://127.0.0.1:" + server.port() + "/who"));
            assertEquals("192.0.2.1 2", result.stdout(), result.stderr());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxy.example", "10.0.0.0/33", "10.0.0.0/8x", "10.0.0.0/", "/8", "::1/129", "10.0.0",
        "010.0.0.1", ""})
    void refusesWhatIsNoAddressNorRange(String entry) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> TrustedProxies.builder().trust(entry));
        assertTrue(refused.getMessage().startsWith("not an address nor a range of them"), refused.getMessage());
    }

    @Test
    void refusesToTrustNoProxy() {
        assertThrows(IllegalStateException.class, () -> TrustedProxies.builder().build());
    }

    private static TrustedProxies proxies(TrustedProxies.Field field) {
        return TrustedProxies.builder().trust("127.0.0.1", "10.0.0.0/8", "::1").field(field).build();
    }

    /** One GET of /who from this address with these header lines, to a server with the filter. */
    private static RawResponse who(TrustedProxies proxies, InetAddress from, String... fields) {
        try (Server server = Server.create(ServerConfig.builder().port(0).build(),
                HttpService.builder(whoRouter()).filter(proxies).build()).start()) {
            StringBuilder request = new StringBuilder("GET /who HTTP/1.1\r\nHost: x\r\n");
            for (String field : fields) {
                request.append(field).append("\r\n");
            }
            RawResponse[] response = new RawResponse[1];
            try (RawPeer peer = RawPeer.connect(from, server.port())) {
                peer.send(request.append("\r\n").toString());
                response[0] = peer.readResponse();
            }
            return response[0];
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String text(RawResponse response) {
        assertEquals(200, response.status());
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** curl's status and body, separated by a space. */
    private static String curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "-sS", "-w",
                "|%{http_code}"));
        command.addAll(List.of(arguments));
        PeerTools.Result result = PeerTools.run(TIMEOUT, command);
        assertEquals(0, result.exitCode(), result.stderr());
        int bar = result.stdout().lastIndexOf('|');
        return result.stdout().substring(bar + 1) + " " + result.stdout().substring(0, bar);
    }
}
