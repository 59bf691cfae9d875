package dev.wisp.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The text of an nginx configuration for a test's own nginx: one process in the foreground, its logs, pid and
 * temporary files under the test's folder, no access log; the caller writes what goes in the {@code http} block.
 */
public final class NginxConfig {
    private NginxConfig() {
    }

    /**
     * A whole configuration around these {@code http} directives (server blocks, and any others).
     *
     * @param folder where nginx keeps its pid, its error log in {@code logs/} (which must exist) and its temporary
     *     files
     */
    /**
     * Starts nginx with the configuration {@link #around} makes of these directives, written to {@code nginx.conf} in
     * the folder (made if missing, with its {@code logs/}), and returns once it listens on the port.
     */
    public static Process startListening(Path folder, int port, String httpDirectives) throws Exception {
        Files.createDirectories(folder.resolve("logs"));
        Files.writeString(folder.resolve("nginx.conf"), around(folder, httpDirectives));
        return PeerTools.startListening(List.of(PeerTools.require("nginx").toString(), "-p", folder.toString(),
                "-c", folder.resolve("nginx.conf").toString()), port, folder.resolve("logs/stderr.log"));
    }

    public static String around(Path folder, String httpDirectives) {
        return """
                daemon off;
                master_process off;
                worker_processes 1;
                error_log %1$s/logs/error.log warn;
                pid %1$s/nginx.pid;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                %2$s
                }
                """.formatted(folder, httpDirectives.indent(4).stripTrailing());
    }
}
