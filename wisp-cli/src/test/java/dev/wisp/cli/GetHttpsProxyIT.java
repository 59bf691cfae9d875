package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.HttpsProxyPeer;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp get} through an HTTPS proxy, beside curl 7.88 run the same way: stunnel ends TLS for {@code localhost}
 * (not 127.0.0.1) with a certificate of the test's CA, in front of tinyproxy. {@code -x https://} or an
 * {@code https://} proxy in the environment, {@code --proxy-cacert}, {@code --proxy-insecure} and
 * {@code --proxy-pinnedpubkey} for the proxy, the origin's {@code --cacert} and {@code --pinnedpubkey} for the origin
 * alone, and curl's exit codes for what fails.
 */
class GetHttpsProxyIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    @TempDir
    static Path directory;
    /** The proxy's CA, which issues the TLS origin's certificate too. */
    private static String caFile;
    private static HttpsProxyPeer stunnel;
    private static Server origin;
    private static Server tlsOrigin;

    @BeforeAll
    static void start() throws Exception {
        stunnel = HttpsProxyPeer.start(directory, false);
        caFile = stunnel.caFile().toString();
        Router router = Router.builder().get("/seen", (request, response) -> response.send(request.protocol()
                + " via " + request.headers().firstOrNull("Via") + "\n")).build();
        origin = Server.create(ServerConfig.builder().port(0).build(), router).start();
        TestCertificate originCertificate = TestCertificates.server(stunnel.ca(), KeyType.EC);
        tlsOrigin = Server.create(ServerConfig.builder().port(0).http2(true).tls(TlsConfig.builder()
                .identity(TlsIdentity.pem(originCertificate.chainPem(), originCertificate.keys().pkcs8Pem()))
                .build()).build(), router).start();
    }

    @AfterAll
    static void stop() throws Exception {
        PeerTools.closeAll(stunnel, origin, tlsOrigin);
    }

    private static String proxy(String host) {
        return "https://" + host + ":" + stunnel.port();
    }

    @Test
    void goesThroughAnHttpsProxyOfTheOptionsOrTheEnvironmentAsCurlDoes() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String http = "http://127.0.0.1:" + origin.port() + "/seen";
            String https = "https://localhost:" + tlsOrigin.port() + "/seen";
            String forwarded = "HTTP/1.1 via 1.1 ";
            Object[][] cases = {
                {forwarded, Map.of(), List.of("-x", proxy("localhost"), "--proxy-cacert", caFile, http)},
                {forwarded, Map.of("http_proxy", proxy("localhost")), List.of("--proxy-cacert", caFile,
                    http)},
                {forwarded, Map.of("ALL_PROXY", proxy("127.0.0.1")), List.of("--proxy-insecure", http)},
                {"HTTP/2 via null\n", Map.of("HTTPS_PROXY", proxy("localhost")), List.of("--proxy-cacert",
                    caFile, "--cacert", caFile, https)},
                {"HTTP/2 via null\n", Map.of(), List.of("-x", proxy("127.0.0.1"), "--proxy-insecure", "--cacert",
                    caFile, https)},
            };
            assertLikeCurl(0, cases);
        });
    }

    @Test
    void writesTheProxysAnswerToConnectAndTheOriginsChainAsCurlDoes() {
        assertTimeoutPreemptively(LIMIT, () -> {
            // Through a tunnel, the CONNECT's status and the origin's chain; forwarded, no CONNECT, and where curl
            // writes the proxy's chain for want of an origin's, wisp writes none.
            Object[][] cases = {
                {"200 1 0", "200 1 0", "https://localhost:" + tlsOrigin.port() + "/seen"},
                {"000 0 0", "000 1 0", "http://127.0.0.1:" + origin.port() + "/seen"},
            };
            for (Object[] each : cases) {
                List<String> arguments = List.of("-x", proxy("localhost"), "--proxy-cacert", caFile,
                        "--cacert", caFile, "-o", "/dev/null", "-w",
                        "%{http_connect} %{num_certs} %{ssl_verify_result}", (String) each[2]);
                GetCommandIT.Run ours = GetProxyIT.wisp(Map.of(), arguments);
                assertEquals(each[0], ours.text(), arguments + ": " + ours.stderr());
                assertEquals(each[1], GetProxyIT.curl(Map.of(), arguments).text(), arguments.toString());
            }
        });
    }

    @Test
    void failsAsCurlDoesWhenTheProxysCertificateDoesNotVerify() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String http = "http://127.0.0.1:" + origin.port() + "/seen";
            String https = "https://localhost:" + tlsOrigin.port() + "/seen";
            Path missing = directory.resolve("missing.pem");
            // A certificate for localhost, the proxy reached as 127.0.0.1.
            assertLikeCurl(60, new Object[][] {{"TLS handshake with proxy 127.0.0.1:" + stunnel.port()
                    + " failed: No subject alternative names matching IP address 127.0.0.1", Map.of(),
                List.of("-x", proxy("127.0.0.1"), "--proxy-cacert", caFile, http)}});
            // --cacert and -k are for the origin: the proxy is checked against the JDK's CA certificates.
            assertLikeCurl(60, new Object[][] {
                {"unable to find valid certification path", Map.of("https_proxy", proxy("localhost")),
                    List.of("--cacert", caFile, https)},
                {"unable to find valid certification path", Map.of(), List.of("-x", proxy("localhost"), "-k", http)},
            });
            assertLikeCurl(77, new Object[][] {{"proxy CA certificates " + missing, Map.of(),
                List.of("-x", proxy("localhost"), "--proxy-cacert", missing.toString(), http)}});
        });
    }

    @Test
    void pinsTheProxysPublicKeyWithProxyPinnedPubKeyAsCurlDoes() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String http = "http://127.0.0.1:" + origin.port() + "/seen";
            String https = "https://localhost:" + tlsOrigin.port() + "/seen";
            String pin = stunnel.publicKeyPin();
            String otherPin = "sha256//" + "A".repeat(43) + "=";
            // the proxy's key among others; --pinnedpubkey is for the origin: the proxy's key is not asked of it
            assertLikeCurl(0, new Object[][] {
                {"HTTP/1.1 via 1.1 ", Map.of(), List.of("-x", proxy("localhost"), "--proxy-cacert", caFile,
                    "--proxy-pinnedpubkey", otherPin + ";" + pin, http)},
                {"HTTP/2 via null\n", Map.of(), List.of("-x", proxy("localhost"), "--proxy-cacert", caFile,
                    "--proxy-pinnedpubkey", pin, "--cacert", caFile, https)},
                {"HTTP/1.1 via 1.1 ", Map.of(), List.of("-x", proxy("localhost"), "--proxy-cacert", caFile,
                    "--pinnedpubkey", otherPin, http)},
            });
            // No pinned key in the proxy's chain, even with --proxy-insecure; the origin's key not the proxy's. Not
            // beside curl 7.88, whose command line never passed the option on to libcurl (fixed in curl 8.10, #14438).
            Object[][] refused = {
                {"TLS handshake with proxy localhost:" + stunnel.port(), Map.of(), List.of("-x", proxy("localhost"),
                    "--proxy-cacert", caFile, "--proxy-pinnedpubkey", otherPin, http)},
                {"TLS handshake with proxy 127.0.0.1:" + stunnel.port(), Map.of(), List.of("-x",
                    proxy("127.0.0.1"), "--proxy-insecure", "--proxy-pinnedpubkey", otherPin, http)},
                {"TLS handshake with localhost:" + tlsOrigin.port(), Map.of(), List.of("-x", proxy("localhost"),
                    "--proxy-cacert", caFile, "--cacert", caFile, "--pinnedpubkey", pin, https)},
            };
            for (Object[] each : refused) {
                @SuppressWarnings("unchecked")
                List<String> arguments = (List<String>) each[2];
                GetCommandIT.Run ours = GetProxyIT.wisp(Map.of(), arguments);
                assertEquals(ExitCodes.PINNED_KEY_MISMATCH, ours.exitCode(), arguments + ": " + ours.stderr());
                assertTrue(ours.stderr().contains((String) each[0]), arguments + ": " + ours.stderr());
            }
        });
    }

    /**
     * Runs each case, {what the output starts with (stderr contains, on a failure), environment, arguments}, with
     * wisp and curl: wisp exits with this code and says that, curl too, with the same output when it succeeds.
     */
    private static void assertLikeCurl(int exitCode, Object[][] cases) throws Exception {
        for (Object[] each : cases) {
            @SuppressWarnings("unchecked")
            Map<String, String> environment = (Map<String, String>) each[1];
            @SuppressWarnings("unchecked")
            List<String> arguments = (List<String>) each[2];
            String what = environment + " " + arguments;
            GetCommandIT.Run ours = GetProxyIT.wisp(environment, arguments);
            GetCommandIT.Run curl = GetProxyIT.curl(environment, arguments);
            assertEquals(exitCode, ours.exitCode(), what + ": " + ours.stderr());
            assertEquals(curl.exitCode(), ours.exitCode(), what);
            if (exitCode == 0) {
                assertTrue(ours.text().startsWith((String) each[0]), what + ": " + ours.text());
                assertEquals(curl.text(), ours.text(), what);
            } else {
                assertTrue(ours.stderr().contains((String) each[0]), what + ": " + ours.stderr());
            }
        }
    }
}
