package dev.wisp.client;

import dev.wisp.testing.PortLimitedNamespace;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The client's half of {@link LocalPortExhaustionIT}, run in a child JVM inside a namespace with two local ports:
 * two calls hold both, a third fails at once, the pool's connections serve the next call, and once the client has
 * closed them and the ports are free again, a new client connects. One line for each step, or the error it met.
 */
final class LocalPortsProbe {
    /** Long enough for the two calls to hold their ports, well within the peer's answer delay. */
    private static final long CONNECTED_MILLIS = 300;
    /** Past the second after which the kernel lets a connect reuse a local port in TIME_WAIT on loopback. */
    private static final long TIME_WAIT_REUSE_MILLIS = 2_000;

    private LocalPortsProbe() {
    }

    public static void main(String[] arguments) throws Exception {
        String url = "http://127.0.0.1:" + PortLimitedNamespace.PORT + "/";
        try (Client client = Client.create(ClientConfig.builder().maxConnectionsPerOrigin(4).build())) {
            CompletableFuture<Response> first = client.sendAsync(Request.get(url));
            CompletableFuture<Response> second = client.sendAsync(Request.get(url));
            Thread.sleep(CONNECTED_MILLIS);
            long start = System.nanoTime();
            System.out.println("third: " + outcome(client, url));
            System.out.println("third took under a second: " + (System.nanoTime() - start < 1_000_000_000L));
            System.out.println("first two: " + first.get().text() + " " + second.get().text());
            try (Response reused = client.send(Request.get(url))) {
                System.out.println("next: " + reused.text() + " reused " + reused.timing().connectionReused());
            }
        }
        Thread.sleep(TIME_WAIT_REUSE_MILLIS);
        try (Client client = Client.create(ClientConfig.defaults())) {
            System.out.println("once the ports are free: " + outcome(client, url));
        }
    }

    private static String outcome(Client client, String url) {
        try (Response response = client.send(Request.get(url))) {
            return response.text();
        } catch (IOException | RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
