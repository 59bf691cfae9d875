package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.tls.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw connections: bytes both ways over plaintext, and over TLS verified as HTTP connections are (nginx). */
class RawConnectionIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void carriesBytesBothWaysToAnEchoPeer() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Thread.ofVirtual().start(() -> {
                    try (Socket peer = listener.accept()) {
                        peer.getInputStream().transferTo(peer.getOutputStream());
                    } catch (IOException e) {
                        // the test fails on what it reads
                    }
                });
                try (RawConnection raw = RawConnection.connect(Origin.plaintext("127.0.0.1", listener.getLocalPort()),
                        ClientConfig.defaults())) {
                    raw.output().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("ping\n", new String(raw.input().readNBytes(5), StandardCharsets.US_ASCII));
                    assertTrue(raw.tlsSession().isEmpty());
                }
            }
        });
    }

    @Test
    void speaksOverAVerifiedTlsConnection(@TempDir Path directory) {
        assertTimeoutPreemptively(LIMIT, () -> {
            TlsConfig trusting = TestTlsFiles.writeLocalhostCertificate(directory);
            int port = NginxPeer.freePort();
            try (NginxPeer nginx = NginxPeer.start(directory, """
                    server {
                        listen 127.0.0.1:%d ssl;
                        ssl_certificate %%1$s/cert.pem;
                        ssl_certificate_key %%1$s/key.pem;
                        location / { return 200 "raw ok\\n"; }
                    }
                    """.formatted(port))) {
                ClientConfig config = ClientConfig.builder().tls(trusting).build();
                try (RawConnection raw = RawConnection.connect(Origin.tls("localhost", port), config)) {
                    raw.output().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    String answer = new String(raw.input().readAllBytes(), StandardCharsets.US_ASCII);
                    assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n") && answer.endsWith("\r\n\r\nraw ok\n"), answer);
                    assertTrue(raw.tlsSession().orElseThrow().protocol().startsWith("TLSv1."));
                }
                assertThrows(TlsHandshakeException.class, () -> RawConnection.connect(Origin.tls("localhost", port),
                        ClientConfig.defaults()).close(), "the JDK's CAs do not know the test CA");
            }
        });
    }
}
