package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp get -w}'s certificate variables beside curl 7.88 with OpenSSL: {@code %{certs}} written byte for byte
 * as curl writes an RSA chain and an EC chain, {@code %{num_certs}}, and {@code %{ssl_verify_result}} for chains that
 * verify, and for those that {@code -k} lets in or that fail: expired, self-signed, of an unknown CA.
 */
class GetCertificatesIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String VARIABLES = "[%{num_certs}] [%{ssl_verify_result}] [%{http_connect}] %{exitcode}\\n";
    private static final TestCertificate CA = TestCertificates.ca(KeyType.RSA);

    @TempDir
    static Path directory;
    private static String caFile;
    private static Server plain;
    private static final List<Process> SERVERS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        caFile = Files.writeString(directory.resolve("ca.pem"), CA.certificatePem()).toString();
        Router router = Router.builder().get("/", (request, response) -> response.send("hello\n")).build();
        plain = Server.create(ServerConfig.builder().port(0).build(), router).start();
    }

    @AfterAll
    static void stop() throws Exception {
        plain.close();
        for (Process server : SERVERS) {
            PeerTools.stop(server);
        }
    }

    /**
     * {@code openssl s_server -www} presenting this certificate, with the CA's after it when {@code withCa}; its URL.
     * OpenSSL rather than a Wisp server, which refuses to serve an expired certificate.
     */
    private static String serving(TestCertificate certificate, boolean withCa) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path cert = Files.writeString(directory.resolve(port + ".pem"), certificate.certificatePem());
        Path key = Files.writeString(directory.resolve(port + "-key.pem"), certificate.keys().pkcs8Pem());
        List<String> command = new ArrayList<>(List.of(PeerTools.require("openssl").toString(), "s_server",
                "-accept", "127.0.0.1:" + port, "-cert", cert.toString(), "-key", key.toString(), "-www", "-quiet"));
        if (withCa) {
            command.addAll(List.of("-cert_chain", caFile));
        }
        SERVERS.add(PeerTools.startListening(command, port, directory.resolve(port + ".log")));
        return "https://localhost:" + port + "/";
    }

    /** What wisp and curl write for the arguments, after the options that discard the body. */
    private static List<String> both(String... arguments) throws Exception {
        List<String> ours = new ArrayList<>(List.of("-s", "-o", "/dev/null"));
        ours.addAll(List.of(arguments));
        GetCommandIT.Run wisp = GetCommandIT.wisp(ours.toArray(String[]::new));
        GetCommandIT.Run curl = GetCommandIT.curl(ours.toArray(String[]::new));
        return List.of(wisp.text(), curl.text());
    }

    @Test
    void writesTheServersChainAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            for (TestCertificate certificate : List.of(TestCertificates.server(CA, KeyType.RSA),
                    TestCertificates.server(TestCertificates.ca(KeyType.EC), KeyType.EC))) {
                String url = serving(certificate, true);
                List<String> written = both("-k", "-w", "%{num_certs}\\n%{certs}", url);
                assertEquals(written.get(1), written.get(0));
                assertTrue(written.get(0).startsWith("2\nSubject:CN = localhost\nIssuer:CN = Wisp Test CA\n"),
                        written.get(0));
                assertTrue(written.get(0).contains("\nSubject:CN = Wisp Test CA\nIssuer:CN = Wisp Test CA\n"),
                        written.get(0));
                assertTrue(written.get(0).contains("X509v3 Subject Alternative Name:DNS:localhost, IP Address:127.0.0.1"
                        + ", IP Address:0:0:0:0:0:0:0:1\n"), written.get(0));
                assertTrue(written.get(0).endsWith("-----END CERTIFICATE-----\n"), written.get(0));
            }
            List<String> json = both("-k", "-w", "%{json}", serving(TestCertificates.server(CA, KeyType.EC), false));
            String certs = json.get(0).replaceAll(".*(\"certs\":\"[^\"]*\").*", "$1");
            assertTrue(certs.startsWith("\"certs\":\"Subject:CN = localhost\\n"), certs);
            assertTrue(json.get(1).contains(certs), json.get(1));
        });
    }

    @Test
    void writesOpenSslsVerifyResultAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String trusted = serving(TestCertificates.server(CA, KeyType.EC), true);
            String leafAlone = serving(TestCertificates.server(CA, KeyType.EC), false);
            String expired = serving(TestCertificates.expiredServer(CA), false);
            String selfSigned = serving(TestCertificates.selfSigned(KeyType.EC), false);
            String wrongHost = serving(TestCertificates.wrongHostServer(CA), false);
            Object[][] cases = {
                {"[2] [0] [000] 0\n", List.of("--cacert", caFile, trusted)},
                {"[2] [19] [000] 0\n", List.of("-k", trusted)}, // a chain up to a CA not trusted
                {"[1] [20] [000] 0\n", List.of("-k", leafAlone)}, // a certificate of a CA not known
                // With -k curl loads no CA, not even --cacert's: nothing verifies.
                {"[2] [19] [000] 0\n", List.of("-k", "--cacert", caFile, trusted)},
                {"[1] [20] [000] 0\n", List.of("-k", "--cacert", caFile, expired)},
                {"[1] [18] [000] 0\n", List.of("-k", selfSigned)},
                {"[0] [10] [000] 60\n", List.of("--cacert", caFile, expired)},
                {"[0] [0] [000] 0\n", List.of("http://127.0.0.1:" + plain.port() + "/")},
            };
            for (Object[] each : cases) {
                @SuppressWarnings("unchecked")
                List<String> arguments = new ArrayList<>((List<String>) each[1]);
                arguments.addAll(0, List.of("-w", VARIABLES));
                List<String> written = both(arguments.toArray(String[]::new));
                assertEquals(each[0], written.get(0), arguments.toString());
                assertEquals(written.get(1), written.get(0), arguments.toString());
            }
            // After a failed verification the JDK does not give the chain: no certificate is written, and an unknown
            // issuer is 20 whatever its shape, where OpenSSL tells a self-signed CA at the chain's end (19) apart.
            assertEquals(List.of("[0] [20] [000] 60\n", "[0] [19] [000] 60\n"), both("-w", VARIABLES, trusted));
            assertEquals(List.of("[0] [1] [000] 60\n", "[1] [1] [000] 60\n"),
                    both("-w", VARIABLES, "--cacert", caFile, wrongHost));
        });
    }
}
