package dev.wisp.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The client's half of {@link DirectMemoryExhaustionIT}, run in a child JVM with little direct memory: downloads the
 * URL (its first argument) that many times at once (its second), each on a virtual thread of its own, reading each
 * body whole, and prints how they ended, as {@code {status 200 <length>=<count>, <failure>=<count>}}.
 */
final class DirectMemoryProbe {
    private DirectMemoryProbe() {
    }

    public static void main(String[] arguments) throws Exception {
        String url = arguments[0];
        int downloads = Integer.parseInt(arguments[1]);
        try (Client client = Client.create(ClientConfig.builder().maxConnectionsPerOrigin(downloads).build());
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < downloads; i++) {
                outcomes.add(callers.submit(() -> {
                    try (Response response = client.send(Request.get(url))) {
                        return "status " + response.statusCode() + " " + response.bytes().length;
                    } catch (Throwable e) {
                        return e.getClass().getSimpleName() + ": " + e.getMessage();
                    }
                }));
            }
            Map<String, Integer> counts = new TreeMap<>();
            for (Future<String> outcome : outcomes) {
                counts.merge(outcome.get(), 1, Integer::sum);
            }
            System.out.println(counts);
        }
    }
}
