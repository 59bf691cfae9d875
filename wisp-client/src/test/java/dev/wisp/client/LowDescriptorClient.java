package dev.wisp.client;

import dev.wisp.testing.ThreadDumps;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client in a JVM of its own, started by {@link ClientDescriptorExhaustionIT} under {@code prlimit --nofile}, that
 * fills its descriptor table on command. Commands on standard input, one reply line each on standard output:
 * {@code fill} (open sockets until the table is full; {@code fill files}: files, which start no network class of the
 * JDK's), {@code free N}, {@code client} (make a {@link Client} with a
 * new configuration), {@code get URL} ({@code status CODE REASON BODY} or {@code error TYPE: MESSAGE}), {@code ws URL}
 * (open a WebSocket with a listener), {@code send TEXT} (send it on that WebSocket after a pause: {@code echo TEXT}
 * once the listener heard it back), {@code reading} (how many of the client's threads are in a WebSocket's reading
 * loop, a moment after the last message: {@code reading N}), {@code watcher} (whether the client's input watcher
 * runs).
 */
public final class LowDescriptorClient {
    private LowDescriptorClient() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Deque<java.io.Closeable> held = new ArrayDeque<>();
        Client client = null;
        WebSocket webSocket = null;
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        String line;
        while ((line = commands.readLine()) != null) {
            String[] words = line.split(" ");
            try {
                switch (words[0]) {
                    case "fill" -> {
                        boolean files = words.length > 1 && words[1].equals("files"); // no network class touched
                        try {
                            while (true) {
                                held.push(files ? new java.io.FileInputStream("/dev/null") : SocketChannel.open());
                            }
                        } catch (IOException e) {
                            System.out.println("filled " + held.size() + ": " + e.getMessage());
                        }
                    }
                    case "free" -> {
                        for (int i = Integer.parseInt(words[1]); i > 0 && !held.isEmpty(); i--) {
                            held.pop().close();
                        }
                        System.out.println("freed");
                    }
                    case "client" -> {
                        client = Client.create(ClientConfig.builder().connectTimeout(Duration.ofSeconds(5)).build());
                        System.out.println("client made");
                    }
                    case "get" -> {
                        try (Response response = client.send(Request.get(words[1]))) {
                            System.out.println("status " + response.status() + " " + response.text());
                        }
                    }
                    case "ws" -> {
                        webSocket = client.webSocket(words[1], WebSocketConfig.defaults(), new WebSocketListener() {
                            @Override
                            public void onText(WebSocket session, String text) {
                                heard.add(text);
                            }

                            @Override
                            public void onError(WebSocket session, IOException error) {
                                heard.add("failure " + error);
                            }
                        });
                        System.out.println("open");
                    }
                    case "send" -> {
                        Thread.sleep(300); // a wait past 50 ms: the next one is handed to the input watcher
                        webSocket.sendText(words[1]);
                        String echo = heard.poll(10, TimeUnit.SECONDS);
                        System.out.println(echo != null ? "echo " + echo : "error no echo within 10 s");
                    }
                    case "reading" -> {
                        Thread.sleep(300); // past the 50 ms a WebSocket waits on its thread after a message
                        Path folder = Files.createTempDirectory("wisp-dump");
                        Path dump = folder.resolve("threads.txt");
                        long reading = ThreadDumps.threadsIn("WebSocketSession.read(", "wisp-ws-", dump);
                        Files.delete(dump);
                        Files.delete(folder);
                        System.out.println("reading " + reading);
                    }
                    case "watcher" -> System.out.println(Thread.getAllStackTraces().keySet().stream()
                            .anyMatch(thread -> thread.getName().equals("wisp-client-watcher"))
                            ? "watcher running" : "no watcher");
                    default -> System.out.println("error unknown command " + words[0]);
                }
            } catch (Throwable e) {
                System.out.println("error " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        System.exit(0);
    }
}
