package dev.wisp.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A client in a JVM of its own, started by {@link ClientDescriptorExhaustionIT} under {@code prlimit --nofile}, that
 * fills its descriptor table on command. Commands on standard input, one reply line each on standard output:
 * {@code fill} (open sockets until the table is full), {@code free N}, {@code client} (make a {@link Client} with a
 * new configuration), {@code get URL} ({@code status CODE REASON BODY} or {@code error TYPE: MESSAGE}).
 */
public final class LowDescriptorClient {
    private LowDescriptorClient() {
    }

    public static void main(String[] args) throws IOException {
        Deque<SocketChannel> held = new ArrayDeque<>();
        Client client = null;
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        String line;
        while ((line = commands.readLine()) != null) {
            String[] words = line.split(" ");
            try {
                switch (words[0]) {
                    case "fill" -> {
                        try {
                            while (true) {
                                held.push(SocketChannel.open());
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
                    default -> System.out.println("error unknown command " + words[0]);
                }
            } catch (Throwable e) {
                System.out.println("error " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        System.exit(0);
    }
}
