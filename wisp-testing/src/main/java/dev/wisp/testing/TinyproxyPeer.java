package dev.wisp.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * tinyproxy, a forward proxy nobody here wrote, on loopback in the foreground: it forwards requests in absolute-form
 * and opens CONNECT tunnels, with Basic credentials required or not. Stopped by its own process handle.
 */
public final class TinyproxyPeer implements AutoCloseable {
    public static final String USER = "proxyuser";
    public static final String PASSWORD = "prxxy";

    private final Process process;
    private final int port;
    private final Path log;

    private TinyproxyPeer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** tinyproxy requiring {@link #USER} and {@link #PASSWORD}, its files in the directory. */
    public static TinyproxyPeer start(Path directory) throws IOException, InterruptedException {
        return start(directory, true);
    }

    /** tinyproxy with its files in the directory, requiring credentials or not. */
    public static TinyproxyPeer start(Path directory, boolean requireCredentials)
            throws IOException, InterruptedException {
        Path tinyproxy = PeerTools.require("tinyproxy");
        int port = freePort();
        Files.writeString(directory.resolve("tinyproxy.conf"), """
                Port %d
                Listen 127.0.0.1
                Timeout 30
                LogLevel Info
                MaxClients 20
                Allow 127.0.0.1
                """.formatted(port) + (requireCredentials ? "BasicAuth " + USER + " " + PASSWORD + "\n" : ""));
        Path log = directory.resolve("tinyproxy.log");
        Process process = PeerTools.startListening(List.of(tinyproxy.toString(), "-d", "-c",
                directory.resolve("tinyproxy.conf").toString()), port, log);
        return new TinyproxyPeer(process, port, log);
    }

    /** A loopback port free now, for a program that takes its port on the command line or in a file. */
    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /**
     * The request lines tinyproxy has logged so far, in order ({@code CONNECT host:port HTTP/1.1}, or a forwarded
     * request's): what reached it, whether or not it let it through.
     */
    public List<String> requests() throws IOException {
        String marker = "): ";
        return Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
                .filter(line -> line.contains("Request (file descriptor"))
                .map(line -> line.substring(line.indexOf(marker) + marker.length()))
                .toList();
    }

    @Override
    public void close() throws InterruptedException {
        PeerTools.stop(process);
    }
}
