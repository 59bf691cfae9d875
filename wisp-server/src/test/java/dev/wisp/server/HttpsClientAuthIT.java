package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TestTransport;
import dev.wisp.tls.ClientAuth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Client certificates, as curl presents them: required, optional, and what handlers see of them. */
class HttpsClientAuthIT {
    private static final Duration PEER_LIMIT = Duration.ofSeconds(20);

    @BeforeAll
    static void chooseTheirOwnTransports() {
        assumeFalse(TestTransport.isTls(), "these tests choose their TLS peers themselves");
    }

    private static Router whoami() {
        return Router.builder().get("/whoami", (request, response) -> response.send(request.connection().tls()
                .flatMap(tls -> tls.peerCertificates().stream().findFirst())
                .map(certificate -> certificate.getSubjectX500Principal().getName())
                .orElse("anonymous") + "\n")).build();
    }

    private static Server start(ClientAuth clientAuth) {
        return TestServers.start(TestServers.config().tls(TestTls.server().clientAuth(clientAuth)
                .trustedCertificatesPem(TestTls.CA.certificatePem()).build()), whoami());
    }

    private static PeerTools.Result curl(Server server, boolean withCertificate) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "-sS",
                "--cacert", TestTls.file("ca.pem")));
        if (withCertificate) {
            command.addAll(List.of("--cert", TestTls.file("client.pem"), "--key", TestTls.file("client-key.pem")));
        }
        command.add("https://localhost:" + server.port() + "/whoami");
        return PeerTools.run(PEER_LIMIT, command);
    }

    @Test
    void requiredClientCertificateIsVerifiedAndShownToHandlers() throws Exception {
        try (Server server = start(ClientAuth.REQUIRED)) {
            PeerTools.Result result = curl(server, true);
            assertEquals(0, result.exitCode(), result.stderr());
            assertEquals("CN=test-client\n", result.stdout());
        }
    }

    @Test
    void requiredClientCertificateMissingFailsTheHandshake() throws Exception {
        try (Server server = start(ClientAuth.REQUIRED)) {
            PeerTools.Result result = curl(server, false);
            assertNotEquals(0, result.exitCode(), result.stdout());
            assertEquals("", result.stdout());
        }
    }

    @Test
    void optionalClientCertificateLetsAnonymousClientsIn() throws Exception {
        try (Server server = start(ClientAuth.OPTIONAL)) {
            assertEquals("anonymous\n", curl(server, false).stdout());
            assertEquals("CN=test-client\n", curl(server, true).stdout());
        }
    }

    @Test
    void clientCertificateFromAnotherCaIsRefused() throws Exception {
        var otherCa = dev.wisp.testing.TestCertificates.ca(dev.wisp.testing.TestCertificate.KeyType.EC);
        try (Server server = TestServers.start(TestServers.config().tls(TestTls.server()
                .clientAuth(ClientAuth.OPTIONAL).trustedCertificatesPem(otherCa.certificatePem()).build()),
                whoami())) {
            PeerTools.Result result = curl(server, true);
            assertNotEquals(0, result.exitCode(), result.stdout());
        }
    }
}
