package dev.wisp.client;

import dev.wisp.testing.PeerTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Apache httpd on loopback in one process ({@code -X}), with mod_auth_digest guarding {@code /private/} (realm
 * "wisp", MD5, qop=auth) for one user from an htdigest file, and static files elsewhere.
 */
final class ApachePeer implements AutoCloseable {
    static final String REALM = "wisp";

    private final Process process;
    private final int port;

    private ApachePeer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static ApachePeer start(Path directory, String user, String password) throws Exception {
        Path apache = PeerTools.require("apache2");
        Files.createDirectories(directory.resolve("www/private"));
        Files.writeString(directory.resolve("www/private/page.txt"), "the private page\n");
        Files.writeString(directory.resolve("www/public.txt"), "the public page\n");
        byte[] secret = MessageDigest.getInstance("MD5").digest((user + ":" + REALM + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        Files.writeString(directory.resolve("htdigest"), user + ":" + REALM + ":" + HexFormat.of().formatHex(secret)
                + "\n");
        int port = NginxPeer.freePort();
        Files.writeString(directory.resolve("httpd.conf"), """
                ServerRoot /usr/lib/apache2
                LoadModule mpm_event_module modules/mod_mpm_event.so
                LoadModule authn_core_module modules/mod_authn_core.so
                LoadModule authz_core_module modules/mod_authz_core.so
                LoadModule authn_file_module modules/mod_authn_file.so
                LoadModule authz_user_module modules/mod_authz_user.so
                LoadModule auth_digest_module modules/mod_auth_digest.so
                Listen 127.0.0.1:%2$d
                ServerName localhost
                PidFile %1$s/httpd.pid
                ErrorLog %1$s/error.log
                DefaultRuntimeDir %1$s
                DocumentRoot %1$s/www
                <Directory %1$s/www>
                    Require all granted
                </Directory>
                <Location /private>
                    AuthType Digest
                    AuthName "%3$s"
                    AuthDigestProvider file
                    AuthUserFile %1$s/htdigest
                    Require valid-user
                </Location>
                """.formatted(directory, port, REALM));
        Process process = new ProcessBuilder(List.of(apache.toString(), "-X", "-f",
                directory.resolve("httpd.conf").toString())).redirectErrorStream(true)
                .redirectOutput(directory.resolve("stdout.log").toFile()).start();
        ApachePeer peer = new ApachePeer(process, port);
        try {
            PeerTools.awaitListening(process, port, directory.resolve("stdout.log"));
        } catch (IOException e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    @Override
    public void close() throws InterruptedException {
        PeerTools.stop(process);
    }
}
