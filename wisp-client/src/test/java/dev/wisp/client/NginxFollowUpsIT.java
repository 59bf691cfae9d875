package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.tls.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redirects and cookies from nginx, a server nobody here wrote: relative Locations (resolved by RFC 3986 §5) and
 * absolute ones, https to http refused, a cookie set on a redirect sent to its target; and a Unix domain socket.
 */
class NginxFollowUpsIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    @TempDir
    static Path directory;
    private static NginxPeer nginx;
    private static int plainPort;
    private static int tlsPort;
    private static TlsConfig trusting;

    @BeforeAll
    static void start() throws Exception {
        trusting = TestTlsFiles.writeLocalhostCertificate(directory);
        plainPort = NginxPeer.freePort();
        tlsPort = NginxPeer.freePort();
        nginx = NginxPeer.start(directory, """
                server {
                    listen 127.0.0.1:%d;
                    location = /moved { return 301 /target; }
                    location = /see-other { return 303 http://127.0.0.1:%d/target; }
                    location = /temporary { return 307 /target; }
                    location = /target { return 200 "$request_method $request_uri\\n"; }
                    location = /login { add_header Set-Cookie "id=n1; Path=/; HttpOnly"; return 302 /whoami; }
                    location = /whoami { return 200 "cookie: $http_cookie\\n"; }
                    location = /list {
                        if ($arg_page) { return 200 "$request_method $request_uri\\n"; }
                        return 302 "?page=2";
                    }
                    location = /up { return 302 "/../target"; }
                    location = /a/b/c { return 302 "../../../target?from=c"; }
                }
                server {
                    listen unix:%%1$s/nginx.sock;
                    location = /unix { return 200 "$request_method $host over a unix socket\\n"; }
                }
                server {
                    listen 127.0.0.1:%d ssl;
                    ssl_certificate %%1$s/cert.pem;
                    ssl_certificate_key %%1$s/key.pem;
                    location = /secure { return 200 "secure\\n"; }
                    location = /to-secure { return 302 /secure; }
                    location = /downgrade { return 302 http://127.0.0.1:%d/target; }
                }
                """.formatted(plainPort, plainPort, tlsPort, plainPort));
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void followsNginxRedirectsWithTheRightMethod() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                String base = "http://127.0.0.1:" + plainPort;
                assertEquals("GET /target\n", client.send(Request.get(base + "/moved")).text());
                assertEquals("GET /target\n", client.send(Request.builder(base + "/see-other").method("POST")
                        .body("x").build()).text());
                assertEquals("POST /target\n", client.send(Request.builder(base + "/temporary").method("POST")
                        .body("x").build()).text());
            }
        });
    }

    @Test
    void resolvesRelativeLocationsAsRfc3986Does() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                String base = "http://127.0.0.1:" + plainPort;
                assertEquals("GET /list?page=2\n", client.send(Request.get(base + "/list")).text(),
                        "a query-only reference keeps the base's path");
                assertEquals("GET /target\n", client.send(Request.get(base + "/up")).text(),
                        "'..' never climbs above the root");
                assertEquals("GET /target?from=c\n", client.send(Request.get(base + "/a/b/c")).text());
            }
        });
    }

    @Test
    void sendsTheCookieNginxSetOnARedirectToItsTarget() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CookieJar jar = CookieJar.create();
            try (Client client = Client.create(ClientConfig.builder().cookieJar(jar).build())) {
                assertEquals("cookie: id=n1\n", client.send(Request.get("http://127.0.0.1:" + plainPort + "/login"))
                        .text());
            }
            assertEquals(true, jar.cookies().getFirst().httpOnly());
        });
    }

    @Test
    void talksToNginxOverAUnixSocketAndReusesTheConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            SocketOptions unix = SocketOptions.builder().unixSocket(directory.resolve("nginx.sock")).build();
            try (Client client = Client.create(ClientConfig.builder().socketOptions(unix).build())) {
                Response first = client.send(Request.get("http://device.local/unix"));
                assertEquals("GET device.local over a unix socket\n", first.text());
                Response second = client.send(Request.get("http://device.local/unix"));
                second.text();
                assertEquals(true, second.timing().connectionReused());
            }
            SocketOptions missing = SocketOptions.builder().unixSocket(directory.resolve("none.sock")).build();
            try (Client client = Client.create(ClientConfig.builder().socketOptions(missing).build())) {
                ConnectFailedException e = assertThrows(ConnectFailedException.class,
                        () -> client.send(Request.get("http://device.local/unix")));
                assertTrue(e.getMessage().startsWith("cannot connect to Unix socket " + directory.resolve("none.sock")
                        + " (for device.local): "), e.getMessage());
            }
        });
    }

    @Test
    void refusesHttpsToHttpUnlessAllowed() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String base = "https://localhost:" + tlsPort;
            try (Client client = Client.create(ClientConfig.builder().tls(trusting).build())) {
                assertEquals("secure\n", client.send(Request.get(base + "/to-secure")).text());
                RedirectRefusedException e = assertThrows(RedirectRefusedException.class,
                        () -> client.send(Request.get(base + "/downgrade")));
                assertEquals("redirect from https to http refused (" + base + "/downgrade to http://127.0.0.1:"
                        + plainPort + "/target); allow it with RedirectPolicy.allowingTlsDowngrade()", e.getMessage());
            }
            ClientConfig allowing = ClientConfig.builder().tls(trusting)
                    .redirectPolicy(RedirectPolicy.follow().allowingTlsDowngrade()).build();
            try (Client client = Client.create(allowing)) {
                assertEquals("GET /target\n", client.send(Request.get(base + "/downgrade")).text());
            }
        });
    }
}
