package dev.wisp.client;

import dev.wisp.testing.PeerTools;
import dev.wisp.tls.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP/2 server programs started as child processes on a loopback port, serving {@link Http2Peer}'s content from a
 * temporary directory: nghttpd (nghttp2's server), h2o, and nginx with {@code http2} on its server block. Each over
 * TLS with ALPN h2 (certificate from {@link TestTlsFiles}), or h2c by prior knowledge.
 */
final class Http2ServerPrograms {
    private Http2ServerPrograms() {
    }

    /**
     * nghttpd serving the folder, echoing uploads ({@code --echo-upload}, any path), a trailer on every response with
     * a body ({@code x-peer: nghttpd}), with the default stream window of 64 KiB.
     */
    static Http2Peer nghttpd(Path directory, boolean overTls) throws Exception {
        Path www = Http2Peer.writeContent(directory);
        int port = NginxPeer.freePort();
        List<String> command = new ArrayList<>(List.of(PeerTools.require("nghttpd").toString(),
                "--address=127.0.0.1", "--echo-upload", "--trailer=x-peer: nghttpd", "-d", www.toString()));
        TlsConfig tls = null;
        if (overTls) {
            tls = TestTlsFiles.writeLocalhostCertificate(directory);
            command.addAll(List.of(Integer.toString(port), directory.resolve("key.pem").toString(),
                    directory.resolve("cert.pem").toString()));
        } else {
            command.addAll(List.of("--no-tls", Integer.toString(port)));
        }
        Process process = PeerTools.startListening(command, port, directory.resolve("nghttpd.log"));
        return new Http2Peer("nghttpd", port, tls, Http2Peer.Uploads.ECHO, () -> PeerTools.stop(process));
    }

    /** h2o serving the folder, echoing uploads at {@code /echo} through mruby, gzip on ({@code compress: ON}). */
    static Http2Peer h2o(Path directory, boolean overTls) throws Exception {
        Path www = Http2Peer.writeContent(directory);
        int port = NginxPeer.freePort();
        TlsConfig tls = null;
        String ssl = "";
        if (overTls) {
            tls = TestTlsFiles.writeLocalhostCertificate(directory);
            ssl = "\n  ssl: {certificate-file: %s, key-file: %s, ocsp-update-interval: 0}"
                    .formatted(directory.resolve("cert.pem"), directory.resolve("key.pem"));
        }
        Path config = Files.writeString(directory.resolve("h2o.conf"), """
                user: %s
                error-log: %s
                compress: ON
                listen:
                  host: 127.0.0.1
                  port: %d%s
                hosts:
                  default:
                    paths:
                      /echo:
                        mruby.handler: |
                          proc {|env| i = env['rack.input']; b = i ? i.read : ''
                            [200, {'content-length' => b.bytesize.to_s}, [b]] }
                      /:
                        file.dir: %s
                """.formatted(System.getProperty("user.name"), directory.resolve("h2o-error.log"), port, ssl, www));
        Process process = PeerTools.startListening(List.of(PeerTools.require("h2o").toString(), "-c",
                config.toString()), port, directory.resolve("h2o.log"));
        return new Http2Peer("h2o", port, tls, Http2Peer.Uploads.ECHO, () -> PeerTools.stop(process));
    }

    /**
     * nginx with a server block speaking HTTP/2 ({@code listen ... ssl http2;}, or {@code listen ... http2;} for
     * h2c): gzip for text, uploads stored by WebDAV PUT under {@code /up/}.
     */
    static Http2Peer nginx(Path directory, boolean overTls) throws Exception {
        return nginx(directory, overTls, "");
    }

    /** nginx as {@link #nginx(Path, boolean)} has it, with more directives in its HTTP/2 server block. */
    static Http2Peer nginx(Path directory, boolean overTls, String moreDirectives) throws Exception {
        Http2Peer.writeContent(directory);
        int port = NginxPeer.freePort();
        TlsConfig tls = overTls ? TestTlsFiles.writeLocalhostCertificate(directory) : null;
        // NginxPeer puts the directory in for %1$s.
        NginxPeer nginx = NginxPeer.start(directory, """
                server {
                    listen 127.0.0.1:PORT LISTEN;
                    TLS
                    root %1$s/www;
                    client_max_body_size 16m;
                    keepalive_timeout 60s;
                    location /up/ { dav_methods PUT; }
                    MORE
                }
                """.replace("MORE", moreDirectives).replace("PORT", Integer.toString(port))
                .replace("LISTEN", overTls ? "ssl http2" : "http2")
                .replace("TLS", overTls ? "ssl_certificate %1$s/cert.pem; ssl_certificate_key %1$s/key.pem;" : ""));
        return new Http2Peer("nginx", port, tls, Http2Peer.Uploads.STORE, nginx);
    }
}
