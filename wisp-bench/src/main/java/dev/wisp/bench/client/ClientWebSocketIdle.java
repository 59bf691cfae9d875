package dev.wisp.bench.client;

import dev.wisp.client.Client;
import dev.wisp.client.ClientConfig;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Live heap per idle client WebSocket: opens COUNT WebSockets to an echo at URL ({@code wisp serve --plain}'s
 * {@code /ws}), each read by a listener, sends one text on each and waits for every echo, lets them idle for
 * IDLE_SECONDS, and prints this JVM's live heap before and after, the class histogram's total ({@code jcmd
 * GC.class_histogram}, after the full collection it makes), and the difference divided by COUNT. One round of COUNT
 * WebSockets opened, used and closed first grows the buffer pools and the JDK's caches to what the measured round
 * finds. A benchmark tool, so it prints to {@code System.out}.
 *
 * <p>Usage: {@code ClientWebSocketIdle URL COUNT [IDLE_SECONDS]}
 */
public final class ClientWebSocketIdle {
    private ClientWebSocketIdle() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int count = Integer.parseInt(args[1]);
        long idleMillis = TimeUnit.SECONDS.toMillis(args.length > 2 ? Long.parseLong(args[2]) : 1);
        try (Client client = Client.create(ClientConfig.builder().build())) {
            for (WebSocket warm : openAndUse(client, url, count)) {
                warm.close();
            }
            Thread.sleep(idleMillis);
            long before = liveHeap();
            List<WebSocket> held = openAndUse(client, url, count);
            Thread.sleep(idleMillis);
            long after = liveHeap();
            System.out.printf("websockets=%d live_heap_before=%d live_heap_after=%d bytes_per_websocket=%d%n", count,
                    before, after, (after - before) / count);
            for (WebSocket webSocket : held) {
                webSocket.close();
            }
        }
        System.exit(0); // without waiting for the closing handshakes
    }

    /** Opens the WebSockets and has one text echoed on each. */
    private static List<WebSocket> openAndUse(Client client, String url, int count) throws Exception {
        CountDownLatch echoed = new CountDownLatch(count);
        WebSocketListener listener = new WebSocketListener() {
            @Override
            public void onText(WebSocket webSocket, String text) {
                echoed.countDown();
            }
        };
        List<WebSocket> webSockets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            WebSocket webSocket = client.webSocket(url, WebSocketConfig.defaults(), listener);
            webSocket.sendText("hello");
            webSockets.add(webSocket);
        }
        if (!echoed.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(echoed.getCount() + " of " + count + " texts not echoed within 60 s");
        }
        return webSockets;
    }

    /**
     * The class histogram's total of this JVM, in bytes, after the full collection it makes. Its output goes to a
     * file: the JVM writes it at a safepoint, where no thread of its own could drain a pipe that filled up.
     */
    private static long liveHeap() throws IOException, InterruptedException {
        Path histogram = Files.createTempFile("histogram", ".txt");
        try {
            Process jcmd = new ProcessBuilder(System.getProperty("java.home") + "/bin/jcmd",
                    Long.toString(ProcessHandle.current().pid()), "GC.class_histogram").redirectErrorStream(true)
                    .redirectOutput(histogram.toFile()).start();
            jcmd.waitFor();
            return total(Files.readString(histogram));
        } finally {
            Files.deleteIfExists(histogram);
        }
    }

    private static long total(String output) throws IOException {
        for (String line : output.lines().toList()) {
            if (line.startsWith("Total ")) {
                String[] fields = line.trim().split("\\s+");
                return Long.parseLong(fields[2]);
            }
        }
        throw new IOException("no total in the class histogram: " + output);
    }
}
