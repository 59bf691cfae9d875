package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Server;
import dev.wisp.testing.HttpsProxyPeer;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificates;
import dev.wisp.testing.TinyproxyPeer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp ws} through a proxy, as curl chooses one for ws: (http's) and wss: (https's): {@code wisp serve}'s
 * echo behind tinyproxy, which wants credentials, so a session that went through it without them fails (56), and
 * its log tells which tunnels it was asked for. {@code -x}, {@code http_proxy} (not {@code HTTP_PROXY}, not
 * {@code https_proxy}, for ws:), {@code no_proxy} and {@code --noproxy}; and wss: through stunnel's TLS in front
 * of tinyproxy, an HTTPS proxy.
 */
class WsProxyIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    @TempDir
    static Path directory;
    private static TinyproxyPeer tinyproxy;
    private static Server server;
    private static String credentials;

    @BeforeAll
    static void start() throws Exception {
        tinyproxy = TinyproxyPeer.start(Files.createDirectories(directory.resolve("tinyproxy")));
        credentials = TinyproxyPeer.USER + ":" + TinyproxyPeer.PASSWORD + "@";
        server = ServeCommand.start(List.of(Files.createDirectories(directory.resolve("www")).toString(), "--plain",
                "--port", "0"), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() throws Exception {
        PeerTools.closeAll(tinyproxy, server);
    }

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run ws(Map<String, String> environment, String... arguments) throws UsageException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        byte[] lines = "through\n".getBytes(StandardCharsets.UTF_8);
        int code = new WsCommand(new ByteArrayInputStream(lines), environment).run(List.of(arguments),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String proxy(String userInfo) {
        return "http://" + userInfo + "127.0.0.1:" + tinyproxy.port();
    }

    @Test
    void echoesThroughAConnectTunnelOfTheProxyOption() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String url = "ws://127.0.0.1:" + server.port() + "/ws";
            String connect = "CONNECT 127.0.0.1:" + server.port() + " HTTP/1.1";
            int before = tinyproxy.requests().size();
            Run through = ws(Map.of(), "-x", proxy(credentials), url);
            assertEquals(0, through.exitCode(), through.stderr());
            assertEquals("through\n", through.stdout());
            Run withUser = ws(Map.of(), "-x", proxy(""), "-U", TinyproxyPeer.USER + ":" + TinyproxyPeer.PASSWORD,
                    url);
            assertEquals(0, withUser.exitCode(), withUser.stderr());
            assertEquals(List.of(connect, connect), tinyproxy.requests().subList(before, before + 2));
            Run refused = ws(Map.of(), "-x", proxy(""), url);
            assertEquals(56, refused.exitCode(), refused.stderr());
            assertTrue(refused.stderr().contains("requires authentication"), refused.stderr());
        });
    }

    @Test
    void takesTheEnvironmentsProxyForWsAsCurlTakesHttpsForHttp() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String url = "ws://127.0.0.1:" + server.port() + "/ws";
            // Without credentials, a session through tinyproxy fails: 56 says it went through, 0 that it did not.
            Object[][] cases = {
                {0, Map.of("http_proxy", proxy(credentials))},
                {56, Map.of("http_proxy", proxy(""))},
                {56, Map.of("all_proxy", proxy(""))},
                {0, Map.of("HTTP_PROXY", proxy(""))},
                {0, Map.of("https_proxy", proxy(""))},
                {0, Map.of("http_proxy", proxy(""), "no_proxy", "127.0.0.1")},
                {0, Map.of("http_proxy", "ftp://127.0.0.1:1", "https_proxy", "ftp://127.0.0.1:1", "no_proxy",
                    "127.0.0.1")},
                {7, Map.of("http_proxy", "ftp://127.0.0.1:1")},
            };
            for (Object[] each : cases) {
                @SuppressWarnings("unchecked")
                Map<String, String> environment = (Map<String, String>) each[1];
                Run run = ws(environment, url);
                assertEquals(each[0], run.exitCode(), each[1] + ": " + run.stderr());
                assertEquals(run.exitCode() == 0 ? "through\n" : "", run.stdout(), each[1].toString());
            }
            Run noProxy = ws(Map.of("http_proxy", proxy("")), "--noproxy", "127.0.0.1", url);
            assertEquals(0, noProxy.exitCode(), noProxy.stderr());
            Run badVariable = ws(Map.of("http_proxy", "ftp://127.0.0.1:1"), url);
            assertTrue(badVariable.stderr().startsWith("wisp ws: environment variable http_proxy: proxy URL must be"),
                    badVariable.stderr());
        });
    }

    /** {@code wisp serve}'s arguments for TLS with a certificate for localhost from this CA. */
    private List<String> serveWithCertificateOf(TestCertificate ca) throws IOException {
        TestCertificate certificate = TestCertificates.server(ca, KeyType.EC);
        Path chain = Files.writeString(directory.resolve("cert.pem"), certificate.chainPem());
        Path key = Files.writeString(directory.resolve("key.pem"), certificate.keys().pkcs8Pem());
        return List.of(directory.resolve("www").toString(), "--port", "0", "--cert", chain.toString(), "--key",
                key.toString());
    }

    @Test
    void opensWssThroughAnHttpsProxy() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (HttpsProxyPeer stunnel = HttpsProxyPeer.start(Files.createDirectories(directory.resolve("https")),
                    true);
                    Server tls = ServeCommand.start(serveWithCertificateOf(stunnel.ca()), new PrintStream(
                            new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
                Path caFile = stunnel.caFile();
                List<String> arguments = new ArrayList<>(List.of("--proxy-cacert", caFile.toString(), "--cacert",
                        caFile.toString(), "wss://localhost:" + tls.port() + "/ws"));
                String proxy = "https://" + credentials + "localhost:" + stunnel.port();
                Run run = ws(Map.of("https_proxy", proxy), arguments.toArray(String[]::new));
                assertEquals(0, run.exitCode(), run.stderr());
                assertEquals("through\n", run.stdout());
                assertEquals(List.of("CONNECT localhost:" + tls.port() + " HTTP/1.1"), stunnel.tinyproxy().requests());
                arguments.removeFirst(); // the proxy's CA certificate: --cacert is for the origin alone
                arguments.removeFirst();
                Run untrusted = ws(Map.of("https_proxy", proxy), arguments.toArray(String[]::new));
                assertEquals(60, untrusted.exitCode(), untrusted.stderr());
                assertTrue(untrusted.stderr().contains("TLS handshake with proxy localhost:" + stunnel.port()),
                        untrusted.stderr());
            }
        });
    }
}
