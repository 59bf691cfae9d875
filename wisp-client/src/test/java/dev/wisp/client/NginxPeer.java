package dev.wisp.client;

import dev.wisp.testing.NginxConfig;
import dev.wisp.testing.PeerTools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * nginx on loopback, with a configuration written to a temporary directory: static files (some large), a server
 * that closes idle keep-alive connections after 1 s, and gzip for text, which nginx sends chunked; plaintext, or
 * HTTPS requiring client certificates.
 */
final class NginxPeer implements AutoCloseable {
    private final Process process;
    private final int port;
    final Path root;

    private NginxPeer(Process process, int port, Path root) {
        this.process = process;
        this.port = port;
        this.root = root;
    }

    static NginxPeer start(Path directory) throws Exception {
        return start(directory, "", "");
    }

    /**
     * nginx serving HTTPS with this certificate chain and key, requiring client certificates issued by the CA in
     * {@code clientCa} ({@code ssl_verify_client on}); sessions resumable by ticket and cache.
     */
    static NginxPeer startTls(Path directory, PemFiles server, Path clientCa) throws Exception {
        return start(directory, """
                ssl_certificate %s;
                ssl_certificate_key %s;
                ssl_client_certificate %s;
                ssl_verify_client on;
                ssl_protocols TLSv1.2 TLSv1.3;
                ssl_session_cache shared:wisp:1m;
                """.formatted(server.chain(), server.key(), clientCa), "");
    }

    /**
     * nginx with more configuration in its {@code http} block: further {@code server} blocks, on ports from
     * {@link #freePort()} or a unix socket. {@code %1$s} in it is the directory.
     */
    static NginxPeer start(Path directory, String moreHttpConfig) throws Exception {
        return start(directory, "", moreHttpConfig);
    }

    /** @param tls the main server block's TLS directives; empty for plaintext */
    private static NginxPeer start(Path directory, String tls, String moreHttpConfig) throws Exception {
        Path root = Files.createDirectories(directory.resolve("www"));
        int port = freePort();
        Process process = NginxConfig.startListening(directory, port, """
                keepalive_timeout 1s;
                gzip on;
                gzip_types text/plain;
                gzip_min_length 0;
                types { text/plain txt; application/octet-stream bin; }
                server {
                    listen 127.0.0.1:%2$d%4$s;
                    %5$s
                    root %1$s/www;
                    location = /hello { return 200 "hello from nginx\\n"; }
                }
                %3$s
                """.formatted(directory, port, moreHttpConfig.formatted(directory), tls.isEmpty() ? "" : " ssl", tls));
        return new NginxPeer(process, port, root);
    }

    /** A loopback port free now, for a server block of nginx's. */
    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    String httpsUrl(String path) {
        return "https://localhost:" + port + path;
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        PeerTools.stop(process);
    }
}
