package dev.wisp.server;

import dev.wisp.server.files.FileHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A server for {@link DescriptorExhaustionIT} to run in a child JVM whose descriptor limit is low: GET /hello, and
 * the files of the directory named by its argument under {@code /files/*}. It prints {@code port N} once listening,
 * then obeys lines on its standard input: {@code exhaust} opens descriptors until none is left and prints
 * {@code exhausted}; {@code release} closes them and prints {@code released}. The end of its input stops it.
 */
public final class LowDescriptorServer {
    private LowDescriptorServer() {
    }

    public static void main(String[] args) throws IOException {
        Router router = Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .get("/files/*", FileHandler.of(Path.of(args[0])))
                .build();
        Server server = Server.create(ServerConfig.builder().port(0).build(), router).start();
        System.out.println("port " + server.port());
        List<FileChannel> held = new ArrayList<>();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String command; (command = commands.readLine()) != null; ) {
            switch (command) {
                case "exhaust" -> {
                    exhaust(held);
                    System.out.println("exhausted");
                }
                case "release" -> {
                    for (FileChannel channel : held) {
                        channel.close();
                    }
                    held.clear();
                    System.out.println("released");
                }
                default -> System.out.println("unknown command " + command);
            }
        }
        server.stop(Duration.ZERO);
    }

    /** Opens /dev/null until the descriptor table is full; a bounded loop, as the limit is low. */
    private static void exhaust(List<FileChannel> held) {
        for (int i = 0; i < 100_000; i++) {
            try {
                held.add(FileChannel.open(Path.of("/dev/null"), StandardOpenOption.READ));
            } catch (IOException e) {
                return;
            }
        }
    }
}
