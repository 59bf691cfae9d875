package dev.wisp.bench.peers;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Shared {@code main} for the peer servers: reads the port (and, for HTTPS, the certificate chain and key) from
 * the arguments, starts the peer on {@code 127.0.0.1:PORT}, stops it from a shutdown hook (SIGTERM from the
 * harness) and otherwise waits forever.
 *
 * <p>Arguments: {@code PORT} serves plaintext HTTP; {@code PORT CHAIN_PEM KEY_PEM} serves HTTPS with that
 * certificate chain and PKCS#8 private key, for the peers that have a TLS mode.
 */
final class PeerLauncher {

    /** Starts one peer on a loopback port and returns the handle that stops it. */
    @FunctionalInterface
    interface Starter {
        AutoCloseable start(int port) throws Exception;
    }

    /** Starts one peer over HTTPS on a loopback port and returns the handle that stops it. */
    @FunctionalInterface
    interface TlsStarter {
        AutoCloseable start(int port, TlsFiles tls) throws Exception;
    }

    /** A certificate chain and its private key (PKCS#8), both PEM files. */
    record TlsFiles(Path chain, Path key) {
    }

    private PeerLauncher() {
    }

    /** For a peer that serves plaintext only. */
    static void run(String name, String[] args, Starter starter) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: " + name + " PORT");
        }
        int port = port(args[0]);
        serveUntilStopped(name, port, starter.start(port));
    }

    /** For a peer that serves plaintext, or HTTPS when a certificate chain and a key are given. */
    static void run(String name, String[] args, Starter starter, TlsStarter tlsStarter) throws Exception {
        if (args.length != 1 && args.length != 3) {
            throw new IllegalArgumentException("usage: " + name + " PORT [CHAIN_PEM KEY_PEM]");
        }
        int port = port(args[0]);
        AutoCloseable server = args.length == 1 ? starter.start(port)
                : tlsStarter.start(port, new TlsFiles(Path.of(args[1]), Path.of(args[2])));
        serveUntilStopped(name + (args.length == 1 ? "" : " (https)"), port, server);
    }

    private static int port(String text) {
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        return port;
    }

    private static void serveUntilStopped(String name, int port, AutoCloseable server) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.getLogger(PeerLauncher.class.getName())
                        .log(System.Logger.Level.WARNING, name + " did not stop cleanly", e);
            } finally {
                stopped.countDown();
            }
        }, name + "-stop"));
        System.getLogger(PeerLauncher.class.getName())
                .log(System.Logger.Level.INFO, name + " listening on " + Plaintext.HOST + ":" + port);
        stopped.await();
    }
}
