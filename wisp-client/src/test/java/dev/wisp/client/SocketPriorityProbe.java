package dev.wisp.client;

import dev.wisp.testing.PriorityObservingNamespace;
import java.io.IOException;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client's half of {@link SocketPriorityOnTheWireIT}, run in a child JVM inside the namespace: one request per
 * setting named in the arguments to the observing peer, printing {@code <setting> <what the peer saw>}, or the
 * error the request failed with.
 */
final class SocketPriorityProbe {
    private static final String V4 = "http://127.0.0.1:" + PriorityObservingNamespace.PORT + "/";
    private static final String V6 = "http://[::1]:" + PriorityObservingNamespace.PORT + "/";

    /** Each setting: the URL, then the options. */
    private record Setting(String url, SocketOptions options) {
    }

    private SocketPriorityProbe() {
    }

    public static void main(String[] arguments) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        settings.put("none", new Setting(V4, SocketOptions.defaults()));
        for (int priority : new int[] {0, 1, 6, 7}) {
            settings.put(String.valueOf(priority), new Setting(V4, SocketOptions.builder().priority(priority).build()));
        }
        // Linux's IP_TOS sets the priority too (0x08 gives 2): the priority asked for must win over it.
        settings.put("THROUGHPUT", new Setting(V4, SocketOptions.builder()
                .typeOfService(SocketOptions.TypeOfService.THROUGHPUT).build()));
        settings.put("6+THROUGHPUT", new Setting(V4, SocketOptions.builder().priority(6)
                .typeOfService(SocketOptions.TypeOfService.THROUGHPUT).build()));
        settings.put("6-ipv6", new Setting(V6, SocketOptions.builder().priority(6).build()));
        settings.put("5-bound", new Setting(V4, SocketOptions.builder().priority(5)
                .localAddress(InetAddress.getLoopbackAddress()).localPort(42100).build()));
        for (String name : List.of(arguments)) {
            Setting setting = settings.get(name);
            System.out.println(name + " " + request(setting));
            // The last packets of a connection go out after the peer answered, so they count with the next
            // connection's: a connection without a priority takes them, and its own last ones have priority 0.
            String separator = request(new Setting(V4, SocketOptions.defaults()));
            if (!separator.startsWith("SO_PRIORITY 0,")) {
                System.out.println("separator failed: " + separator);
            }
        }
    }

    /** What the peer saw of a request with the setting, or the error the request failed with. */
    private static String request(Setting setting) {
        try (Client client = Client.create(ClientConfig.builder().socketOptions(setting.options()).build())) {
            return client.send(Request.get(setting.url())).text();
        } catch (IOException | RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
