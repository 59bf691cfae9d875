package dev.wisp.bench.peers;

import java.util.concurrent.CountDownLatch;

/**
 * Shared {@code main} for the peer servers: reads the port from the arguments, starts the peer on
 * {@code 127.0.0.1:PORT}, stops it from a shutdown hook (SIGTERM from the harness) and otherwise waits forever.
 */
final class PeerLauncher {

    /** Starts one peer on a loopback port and returns the handle that stops it. */
    @FunctionalInterface
    interface Starter {
        AutoCloseable start(int port) throws Exception;
    }

    private PeerLauncher() {
    }

    static void run(String name, String[] args, Starter starter) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: " + name + " PORT");
        }
        int port = Integer.parseInt(args[0]);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
        AutoCloseable server = starter.start(port);
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
