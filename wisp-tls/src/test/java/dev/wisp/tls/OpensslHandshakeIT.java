package dev.wisp.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerTools;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real handshakes over loopback with {@code openssl s_client} and {@code s_server}. */
class OpensslHandshakeIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    @Test
    void opensslClientResumesWithTls13AndTls12AgainstOurServerWithAlpnAndClientAuth() throws Exception {
        Path ca = Fixtures.write(directory, "ca.pem", Fixtures.CA.certificatePem());
        Path cert = Fixtures.write(directory, "client.pem", Fixtures.CLIENT.chainPem());
        Path key = Fixtures.write(directory, "client-key.pem", Fixtures.CLIENT.keys().sec1Pem());
        TlsContext server = TlsContext.create(TlsConfig.builder().identity(Fixtures.identity(Fixtures.SERVER_RSA))
                .trustedCertificates(ca).clientAuth(ClientAuth.REQUIRED).alpnProtocols("h2", "http/1.1").build());
        for (String version : List.of("-tls1_3", "-tls1_2")) {
            Path session = directory.resolve("session" + version);
            assertTimeoutPreemptively(TIMEOUT, () -> {
                try (SSLServerSocket listener = listen(server)) {
                    var accepted = CompletableFuture.supplyAsync(() -> serveTwice(listener));
                    String first = sClient(listener.getLocalPort(), version, ca, cert, key, "-sess_out", session);
                    String second = sClient(listener.getLocalPort(), version, ca, cert, key, "-sess_in", session);
                    assertTrue(first.contains("ALPN protocol: h2"), first);
                    assertTrue(first.contains("Verify return code: 0 (ok)"), first);
                    assertTrue(second.contains("Reused, TLSv1."), second);
                    List<TlsSessionInfo> infos = accepted.join();
                    assertFalse(infos.get(0).resumed());
                    assertTrue(infos.get(1).resumed(), version);
                    assertEquals("CN=client-1", infos.get(0).peerCertificates().get(0).getSubjectX500Principal()
                            .getName());
                    assertEquals(version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2", infos.get(0).protocol());
                }
            });
        }
    }

    @Test
    void ourClientResumesAgainstOpensslServerWithTls13AndTls12() throws Exception {
        Path cert = Fixtures.write(directory, "server.pem", Fixtures.SERVER_EC.chainPem());
        Path key = Fixtures.write(directory, "server-key.pem", Fixtures.SERVER_EC.keys().pkcs8Pem());
        for (TlsVersion version : TlsVersion.values()) {
            TlsContext client = TlsContext.create(Fixtures.clientTrustingCa().protocols(version)
                    .alpnProtocols("h2").build());
            assertTimeoutPreemptively(TIMEOUT, () -> {
                int port = freePort();
                Process sServer = new ProcessBuilder(PeerTools.require("openssl").toString(), "s_server",
                        "-accept", "127.0.0.1:" + port, "-cert", cert.toString(), "-key", key.toString(),
                        "-alpn", "h2", "-www", "-naccept", "2").redirectErrorStream(true).start();
                try {
                    awaitLine(sServer, "ACCEPT");
                    TlsSessionInfo first = get(client, port);
                    TlsSessionInfo second = get(client, port);
                    assertEquals(version.javaName(), first.protocol());
                    assertEquals("h2", first.alpnProtocol().orElseThrow());
                    assertFalse(first.resumed());
                    assertTrue(second.resumed(), version.javaName());
                } finally {
                    sServer.destroy();
                    sServer.waitFor();
                }
            });
        }
    }

    private static TlsSessionInfo get(TlsContext client, int port) throws Exception {
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
                SSLSocket socket = (SSLSocket) client.sslContext().getSocketFactory()
                        .createSocket(plain, "localhost", port, true)) {
            socket.setSSLParameters(client.clientParameters("localhost"));
            Instant started = Instant.now();
            socket.startHandshake();
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.getInputStream().readAllBytes();
            return TlsSessionInfo.of(socket, started);
        }
    }

    private static SSLServerSocket listen(TlsContext server) throws Exception {
        SSLServerSocket listener = (SSLServerSocket) server.sslContext().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        listener.setSSLParameters(server.serverParameters());
        return listener;
    }

    private static List<TlsSessionInfo> serveTwice(SSLServerSocket listener) {
        List<TlsSessionInfo> infos = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (SSLSocket socket = (SSLSocket) listener.accept()) {
                Instant started = Instant.now();
                socket.startHandshake();
                infos.add(TlsSessionInfo.of(socket, started));
                socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return infos;
    }

    private static String sClient(int port, String version, Path ca, Path cert, Path key, String sessionOption,
            Path session) throws Exception {
        PeerTools.Result result = PeerTools.run(TIMEOUT, List.of(PeerTools.require("openssl").toString(),
                "s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost", version,
                "-CAfile", ca.toString(), "-verify_return_error", "-cert", cert.toString(), "-key", key.toString(),
                "-alpn", "h2", "-ign_eof", sessionOption, session.toString()));
        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        return result.stdout();
    }

    private static void awaitLine(Process process, String text) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.ISO_8859_1));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.contains(text)) {
                return;
            }
        }
        throw new AssertionError("openssl s_server ended before printing " + text);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
