package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import dev.wisp.tls.TlsSessionInfo;
import dev.wisp.websocket.WebSocketConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's TLS on {@link TlsConfig} against {@code openssl s_server}, with certificates from
 * {@link TestCertificates}: TLS 1.2 and 1.3, ALPN, session resumption across connections to the same origin,
 * client certificates, and every relaxation refused without its option and accepted with it.
 */
class OpensslClientTlsIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final TestCertificate CA = TestCertificates.ca(KeyType.EC);

    @TempDir
    static Path directory;
    private static Path caFile;
    private static PemFiles server;
    private static PemFiles client;

    @BeforeAll
    static void writeCertificates() throws Exception {
        caFile = PemFiles.writeCertificate(directory, "ca", CA);
        server = PemFiles.write(directory, "server", TestCertificates.server(CA, KeyType.EC));
        client = PemFiles.write(directory, "client", TestCertificates.client(CA, "wisp-client", KeyType.EC));
    }

    private static TlsConfig.Builder trustingCa() {
        return TlsConfig.builder().trustedCertificates(caFile);
    }

    private static Response get(Client client, OpensslPeer peer) throws Exception {
        Response response = client.send(Request.get("https://localhost:" + peer.port() + "/"));
        response.text();
        return response;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void negotiatesTheVersionOffersAlpnAndResumesTheSession(String version) {
        assertTimeoutPreemptively(LIMIT, () -> {
            String flag = version.equals("TLSv1.2") ? "-tls1_2" : "-tls1_3";
            try (OpensslPeer peer = OpensslPeer.start(directory, server.chain(), server.key(), flag,
                    "-alpn", "h2,http/1.1");
                    Client client = Client.create(ClientConfig.builder().tls(trustingCa().build())
                            .http2(Http2Mode.OFF).build())) {
                Response first = get(client, peer);
                assertEquals(200, first.statusCode());
                TlsSessionInfo session = first.tlsSession().orElseThrow();
                assertEquals(version, session.protocol());
                assertEquals(Optional.of("http/1.1"), session.alpnProtocol(),
                        "with HTTP/2 off the client offers http/1.1 only");
                assertEquals("CN=localhost", session.peerCertificates().getFirst().getSubjectX500Principal().getName());
                assertFalse(session.resumed());
                assertFalse(first.timing().tlsResumed());

                // s_server -www closes after each response: the next request needs a new connection.
                Response second = get(client, peer);
                assertFalse(second.timing().connectionReused());
                assertTrue(second.timing().tlsResumed(), second.timing().toString());
                assertTrue(second.tlsSession().orElseThrow().resumed());
            }
        });
    }

    @Test
    void offersHttp2AndHttp11AndSpeaksHttp11WhenTheServerChoosesIt() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (OpensslPeer peer = OpensslPeer.start(directory, server.chain(), server.key(), "-alpn", "http/1.1");
                    Client client = Client.create(ClientConfig.builder().tls(trustingCa().build()).build())) {
                Response response = get(client, peer);
                assertEquals(200, response.statusCode());
                assertEquals(Optional.of("http/1.1"), response.tlsSession().orElseThrow().alpnProtocol());
            }
        });
    }

    @Test
    void failsClearlyWhenAServerChoosesHttp2AndDoesNotSpeakIt() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (OpensslPeer peer = OpensslPeer.start(directory, server.chain(), server.key(), "-alpn", "h2");
                    Client client = Client.create(ClientConfig.builder().tls(trustingCa().build())
                            .connectTimeout(Duration.ofSeconds(1)).build())) {
                TimeoutExceededException e = assertThrows(TimeoutExceededException.class, () -> get(client, peer));
                assertEquals(TimeoutExceededException.Timeout.CONNECT, e.timeout());
                assertTrue(e.getMessage().contains("HTTP/2"), e.getMessage());
            }
        });
    }

    @Test
    void anExplicitConnectionSaysWhetherItsSessionWasResumed() {
        assertTimeoutPreemptively(LIMIT, () -> {
            ClientConfig config = ClientConfig.builder().tls(trustingCa().build()).build();
            try (OpensslPeer peer = OpensslPeer.start(directory, server.chain(), server.key());
                    ClientConnection connection = ClientConnection.connect(Origin.tls("localhost", peer.port()),
                            config)) {
                assertFalse(connection.isTlsSessionResumed(), "the first handshake is a full one");
                assertTrue(connection.send(Request.get(connection.origin().uri("/").toString())).text()
                        .contains("s_server"));
                connection.reconnect();
                assertTrue(connection.isTlsSessionResumed(), "reconnecting to the same origin resumes");
                connection.disconnect(); // s_server serves one connection at a time
                try (ClientConnection other = ClientConnection.connect(connection.origin(),
                        config.toBuilder().build())) {
                    assertFalse(other.isTlsSessionResumed(), "another configuration has its own session cache");
                }
                try (ClientConnection same = ClientConnection.connect(connection.origin(), config)) {
                    assertTrue(same.isTlsSessionResumed(), "the same configuration shares its session cache");
                }
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void sendsItsCertificateToAServerThatRequiresOne(String version) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (OpensslPeer peer = OpensslPeer.start(directory, server.chain(), server.key(), version,
                    "-Verify", "1", "-verify_return_error", "-CAfile", caFile.toString())) {
                TlsConfig withCertificate = trustingCa().identity(TlsIdentity.pemFiles(client.chain(), client.key()))
                        .build();
                try (Client accepted = Client.create(ClientConfig.builder().tls(withCertificate).build())) {
                    Response response = get(accepted, peer);
                    assertEquals(200, response.statusCode());
                }
                try (Client refused = Client.create(ClientConfig.builder().tls(trustingCa().build()).build())) {
                    // Under TLS 1.3 the client's side of the handshake ends before the server checks the client's
                    // certificate, so the server's alert arrives at the first read; it is still a handshake failure.
                    HttpCallException e = assertThrows(HttpCallException.class, () -> get(refused, peer));
                    TlsHandshakeException handshake = assertInstanceOf(TlsHandshakeException.class, e,
                            () -> e + " caused by " + e.getCause());
                    assertFalse(handshake.isCertificateRejected(), "the server refused ours: " + e);
                    assertTrue(handshake.reason().contains(version.equals("-tls1_3") ? "certificate_required"
                            : "handshake_failure"), handshake.reason());
                    IOException upgrade = assertThrows(IOException.class, () -> refused.webSocket(
                            "wss://localhost:" + peer.port() + "/", WebSocketConfig.builder().build()));
                    assertInstanceOf(TlsHandshakeException.class, upgrade, () -> upgrade.toString());
                    assertEquals(0, refused.openConnections());
                }
            }
        });
    }

    /** Each relaxation: the certificate it is for, and the option that accepts it. */
    enum Relaxation {
        SELF_SIGNED {
            @Override
            TestCertificate served() {
                return TestCertificates.selfSigned(KeyType.EC);
            }

            @Override
            TlsConfig.Builder relax(TlsConfig.Builder tls) {
                return tls.allowSelfSigned();
            }
        },
        EXPIRED {
            @Override
            TestCertificate served() {
                return TestCertificates.expiredServer(CA);
            }

            @Override
            TlsConfig.Builder relax(TlsConfig.Builder tls) {
                return tls.allowExpired();
            }
        },
        WRONG_HOST {
            @Override
            TestCertificate served() {
                return TestCertificates.wrongHostServer(CA);
            }

            @Override
            TlsConfig.Builder relax(TlsConfig.Builder tls) {
                return tls.skipHostnameVerification();
            }
        },
        UNTRUSTED {
            @Override
            TestCertificate served() {
                return TestCertificates.server(TestCertificates.ca(KeyType.EC), KeyType.EC);
            }

            @Override
            TlsConfig.Builder relax(TlsConfig.Builder tls) {
                return tls.insecureTrustAll();
            }
        };

        abstract TestCertificate served();

        abstract TlsConfig.Builder relax(TlsConfig.Builder tls);
    }

    @ParameterizedTest
    @EnumSource(Relaxation.class)
    void refusesEachRelaxedCaseWithoutItsOptionAndAcceptsItWith(Relaxation relaxation) {
        assertTimeoutPreemptively(LIMIT, () -> {
            PemFiles served = PemFiles.write(directory, relaxation.name(), relaxation.served());
            try (OpensslPeer peer = OpensslPeer.start(directory, served.chain(), served.key())) {
                try (Client strict = Client.create(ClientConfig.builder().tls(trustingCa().build()).build())) {
                    TlsHandshakeException e = assertThrows(TlsHandshakeException.class, () -> get(strict, peer));
                    assertTrue(e.isCertificateRejected(), e.getMessage());
                    assertEquals(0, strict.openConnections());
                }
                TlsConfig relaxed = relaxation.relax(trustingCa()).build();
                try (Client lenient = Client.create(ClientConfig.builder().tls(relaxed).build())) {
                    assertEquals(200, get(lenient, peer).statusCode());
                }
            }
        });
    }

    @Test
    void relaxationsDoNotStack() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PemFiles expiredSelfSigned = PemFiles.write(directory, "expired-self-signed",
                    TestCertificate.builder().commonName("localhost").subjectAlternativeNames("localhost")
                            .validity(java.time.Instant.now().minus(Duration.ofDays(3)),
                                    java.time.Instant.now().minus(Duration.ofDays(1))).build());
            try (OpensslPeer peer = OpensslPeer.start(directory, expiredSelfSigned.chain(), expiredSelfSigned.key());
                    Client selfSignedOnly = Client.create(ClientConfig.builder()
                            .tls(TlsConfig.builder().allowSelfSigned().build()).build())) {
                TlsHandshakeException e = assertThrows(TlsHandshakeException.class, () -> get(selfSignedOnly, peer));
                assertTrue(e.isCertificateRejected(), e.getMessage());
            }
        });
    }
}
