package dev.wisp.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * stunnel, Debian's {@code stunnel4}, on loopback in the foreground: it ends TLS with a certificate and key in PEM and
 * relays the plaintext to a loopback port. In front of {@link TinyproxyPeer}, it makes an HTTPS proxy (curl's
 * {@code -x https://}) of tinyproxy. Stopped by its own process handle.
 */
public final class StunnelPeer implements AutoCloseable {
    private final Process process;
    private final int port;

    private StunnelPeer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * stunnel accepting TLS on a free loopback port and relaying to {@code 127.0.0.1:connectPort}, with its files in
     * the directory.
     *
     * @param certificate the PEM file of the certificate chain it presents
     * @param key the PEM file of its private key
     */
    public static StunnelPeer start(Path directory, int connectPort, Path certificate, Path key)
            throws IOException, InterruptedException {
        Path stunnel = PeerTools.require("stunnel4");
        int port = TinyproxyPeer.freePort();
        Path configuration = directory.resolve("stunnel.conf");
        Files.writeString(configuration, """
                foreground = yes
                pid =
                [tls]
                accept = 127.0.0.1:%d
                connect = 127.0.0.1:%d
                cert = %s
                key = %s
                sslVersionMin = TLSv1.2
                """.formatted(port, connectPort, certificate, key));
        Process process = PeerTools.startListening(List.of(stunnel.toString(), configuration.toString()), port,
                directory.resolve("stunnel.log"));
        return new StunnelPeer(process, port);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        PeerTools.stop(process);
    }
}
