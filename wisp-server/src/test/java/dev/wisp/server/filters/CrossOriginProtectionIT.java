package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests as browsers send them, with the fields they add on their own ({@code Sec-Fetch-Site}, {@code Origin}):
 * another origin's requests that change something refused before the handler runs, this server's own, a trusted
 * origin's and a client's that is no browser taken; over HTTP/1.1 and, with curl, h2c (where the request's authority
 * is {@code :authority}).
 */
class CrossOriginProtectionIT {
    private static final AtomicInteger HANDLED = new AtomicInteger();
    private static Server server;

    @BeforeAll
    static void start() {
        Router router = Router.builder()
                .any("/*", (request, response) -> {
                    HANDLED.incrementAndGet();
                    response.send(request.method() + " done\n");
                })
                .build();
        CrossOriginProtection protection = CrossOriginProtection.builder()
                .trustedOrigins("https://Admin.example:8443").build();
        server = Server.create(ServerConfig.builder().port(0).http2(true).build(),
                HttpService.builder(router).filter(protection).build()).start();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void refusesAnotherSitesFormAndScriptBeforeTheHandlerRuns() {
        int before = HANDLED.get();
        assertEquals(403, send("POST", "Sec-Fetch-Site: cross-site", "Origin: https://evil.example").status());
        assertEquals(403, send("POST", "Sec-Fetch-Site: same-site", "Origin: http://127.0.0.1:9").status(),
                "another port of the same host is another origin");
        assertEquals(403, send("DELETE", "Sec-Fetch-Site: cross-site").status());
        assertEquals(403, send("PUT", "Origin: https://evil.example").status(), "Origin alone, as older browsers");
        assertEquals(403, send("POST", "Origin: null").status(), "a sandboxed frame or a local file");
        assertEquals(403, send("POST", "Origin: not an origin").status());
        RawResponse refused = send("PATCH", "Sec-Fetch-Site: cross-site");
        assertEquals("a request from another origin is refused\n", new String(refused.body()));
        assertEquals(before, HANDLED.get(), "no refused request reached the handler");
    }

    @Test
    void takesItsOwnPagesRequestsATrustedOriginsAndANonBrowsers() {
        assertEquals(200, send("POST", "Sec-Fetch-Site: same-origin", "Origin: http://x").status());
        assertEquals(200, send("POST", "Sec-Fetch-Site: none").status(), "typed in the address bar");
        assertEquals(200, send("POST", "Origin: http://x").status(), "Origin naming the request's Host");
        assertEquals(200, send("POST", "Origin: https://X").status(), "whatever the scheme and the case");
        assertEquals(200, send("POST").status(), "curl, a script, a service");
        assertEquals(200, send("POST", "Sec-Fetch-Site: cross-site", "Origin: https://admin.example:8443").status(),
                "a trusted origin");
        assertEquals(200, send("GET", "Sec-Fetch-Site: cross-site", "Origin: https://evil.example").status(),
                "a link from another site changes nothing");
        assertEquals(200, send("OPTIONS", "Sec-Fetch-Site: cross-site").status());
    }

    @Test
    void aRequestsOwnAuthorityIsItsHostOrItsTargets() {
        assertEquals(200, sendWithHost("example.com:80", "Origin: http://example.com").status(),
                "the default port a browser's Origin leaves out");
        assertEquals(200, sendWithHost("example.com:443", "Origin: https://example.com").status());
        assertEquals(403, sendWithHost("example.com:8080", "Origin: http://example.com").status());
        assertEquals(403, sendWithHost("example.com:443", "Origin: http://example.com").status());
        assertEquals(403, sendWithHost("example.com", "Origin: http://example.com.evil").status());
        RawResponse[] response = new RawResponse[1];
        RawPeer.talk(server.port(), peer -> {
            peer.send("POST http://example.com/form HTTP/1.1\r\nHost: example.com\r\n"
                    + "Origin: http://example.com\r\nContent-Length: 0\r\n\r\n");
            response[0] = peer.readResponse();
        });
        assertEquals(200, response[0].status(), "an absolute-form target names the request's authority");
    }

    @ParameterizedTest
    @ValueSource(strings = {"own", "evil"})
    void curlOverH2cIsJudgedByItsAuthority(String which) throws Exception {
        String authority = "127.0.0.1:" + server.port();
        String origin = which.equals("own") ? "http://" + authority : "http://evil.example";
        PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), List.of(PeerTools.require("curl").toString(),
                "-sS", "--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                "-H", "Origin: " + origin, "-d", "x=1", "http://" + authority + "/form"));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals(which.equals("own") ? "2 200" : "2 403", result.stdout());
    }

    @Test
    void refusesATrustedOriginNoBrowserSends() {
        for (String origin : List.of("example.com", "https://example.com/", "https://example.com/path", "https://",
                "null")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> CrossOriginProtection.builder().trustedOrigins(origin));
            assertTrue(refused.getMessage().contains("scheme://host[:port]"), refused.getMessage());
        }
        assertEquals(List.of("https://admin.example:8443"), List.copyOf(
                CrossOriginProtection.builder().trustedOrigins("https://Admin.example:8443").build().trustedOrigins()));
    }

    private static RawResponse send(String method, String... fields) {
        return exchange(method, "x", fields);
    }

    private static RawResponse sendWithHost(String host, String... fields) {
        return exchange("POST", host, fields);
    }

    private static RawResponse exchange(String method, String host, String... fields) {
        StringBuilder head = new StringBuilder(method).append(" /form HTTP/1.1\r\nHost: ").append(host).append("\r\n");
        for (String field : fields) {
            head.append(field).append("\r\n");
        }
        RawResponse[] response = new RawResponse[1];
        RawPeer.talk(server.port(), peer -> {
            peer.send(head + "Content-Length: 0\r\n\r\n");
            response[0] = peer.readResponse();
        });
        return response[0];
    }
}
