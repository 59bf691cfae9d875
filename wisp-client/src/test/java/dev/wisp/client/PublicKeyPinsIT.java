package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.PublicKeyPin;
import dev.wisp.tls.PublicKeyPinException;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Public keys pinned for hosts ({@link TlsConfig.Builder#pinPublicKeys}) against Wisp's own server over TLS, with
 * HTTP/2 by ALPN and with HTTP/1.1 alone: a pin of the server's key or of its CA's passes, a chain with no pinned key
 * fails the call with {@link TlsHandshakeException} (the certificate rejected, the cause a
 * {@link PublicKeyPinException} that lists the chain's pins) and leaves no connection open, even with
 * {@code insecureTrustAll()}; pins of other hosts do not apply, a resumed session is checked as a new one is, and a
 * WebSocket's connection is checked too.
 */
class PublicKeyPinsIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final TestCertificate CA = TestCertificates.ca(KeyType.EC);
    private static final TestCertificate SERVER = TestCertificates.server(CA, KeyType.EC);
    private static final String SERVER_PIN = PublicKeyPin.pinOf(SERVER.certificate());
    private static final String CA_PIN = PublicKeyPin.pinOf(CA.certificate());
    private static final String OTHER_PIN = "sha256/" + Base64.getEncoder().encodeToString(new byte[32]);

    /** HTTP/2 chosen by ALPN, or HTTP/1.1 alone. */
    enum Protocol { H2, HTTP1 }

    private Server server;
    private String url;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .get("/hello", (request, response) -> response.send("hello " + request.protocol()))
                .webSocket("/ws", WebSocketConfig.defaults(), request -> new WebSocketListener() {
                })
                .build();
        server = Server.create(ServerConfig.builder().port(0).http2(true)
                .tls(TlsConfig.builder().identity(TlsIdentity.pem(SERVER.chainPem(), SERVER.keys().pkcs8Pem()))
                        .build()).build(), router).start();
        url = "https://localhost:" + server.port();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    private static Client client(Protocol protocol, TlsConfig.Builder tls) {
        return Client.create(config(protocol, tls));
    }

    private static ClientConfig config(Protocol protocol, TlsConfig.Builder tls) {
        return ClientConfig.builder().tls(tls.build())
                .http2(protocol == Protocol.H2 ? Http2Mode.NEGOTIATE : Http2Mode.OFF).build();
    }

    private static TlsConfig.Builder trustingCa() {
        return TlsConfig.builder().trustedCertificates(List.of(CA.certificate()));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aPinOfTheServersKeyOrOfItsCasPassesAndIsCheckedOnResumedSessionsToo(Protocol protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            for (String pin : new String[] {SERVER_PIN, CA_PIN}) {
                // Two clients of one configuration share its TLS session cache: the second resumes the session.
                ClientConfig config = config(protocol, trustingCa().pinPublicKeys("localhost", OTHER_PIN, pin));
                try (Client client = Client.create(config)) {
                    assertEquals("hello " + (protocol == Protocol.H2 ? "HTTP/2" : "HTTP/1.1"), text(client));
                }
                try (Client client = Client.create(config);
                        Response again = client.send(Request.get(url + "/hello"))) {
                    again.text();
                    assertTrue(again.tlsSession().orElseThrow().resumed(), "a new connection, resumed");
                }
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aChainWithNoPinnedKeyFailsTheCallAndLeavesNoConnection(Protocol protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = client(protocol, trustingCa().pinPublicKeys("**.localhost", OTHER_PIN))) {
                TlsHandshakeException failure = assertThrows(TlsHandshakeException.class, () -> text(client));
                assertTrue(failure.isCertificateRejected(), failure.toString());
                PublicKeyPinException mismatch = assertInstanceOf(PublicKeyPinException.class, rootCause(failure));
                assertEquals("localhost", mismatch.host());
                assertTrue(failure.getMessage().contains(SERVER_PIN + ": CN=localhost"), failure.getMessage());
                assertTrue(failure.getMessage().contains(CA_PIN), failure.getMessage());
                assertEquals(0, client.openConnections());
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void noRelaxationLiftsAPin(Protocol protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = client(protocol, TlsConfig.builder().insecureTrustAll()
                    .pinPublicKeys("*", OTHER_PIN))) {
                TlsHandshakeException failure = assertThrows(TlsHandshakeException.class, () -> text(client));
                assertInstanceOf(PublicKeyPinException.class, rootCause(failure));
            }
            try (Client client = client(protocol, TlsConfig.builder().insecureTrustAll()
                    .pinPublicKeys("*", SERVER_PIN))) {
                assertTrue(text(client).startsWith("hello"));
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void pinsOfOtherHostsDoNotApply(Protocol protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = client(protocol, trustingCa().pinPublicKeys("*.localhost", OTHER_PIN)
                    .pinPublicKeys("example.com", OTHER_PIN))) {
                assertTrue(text(client).startsWith("hello"));
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aWebSocketsConnectionIsCheckedToo(Protocol protocol) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = client(protocol, trustingCa().pinPublicKeys("localhost", OTHER_PIN))) {
                HttpCallException failure = assertThrows(HttpCallException.class,
                        () -> client.webSocket("wss://localhost:" + server.port() + "/ws", WebSocketConfig.defaults())
                                .close());
                assertInstanceOf(TlsHandshakeException.class, failure);
                assertInstanceOf(PublicKeyPinException.class, rootCause(failure));
            }
        });
    }

    private String text(Client client) throws Exception {
        try (Response response = client.send(Request.get(url + "/hello"))) {
            return response.text();
        }
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
