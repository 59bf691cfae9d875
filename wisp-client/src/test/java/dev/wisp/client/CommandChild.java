package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.wisp.testing.OutputLines;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM that a test steers with commands on its standard input, one reply line each on its standard output,
 * and that prints {@code ready} once started ({@link LowDescriptorClient}, {@link LowMemoryClient}). Closing ends its
 * input, which stops it, and kills it if it has not stopped within 10 s.
 */
final class CommandChild implements AutoCloseable {
    private static final Duration REPLY_WAIT = Duration.ofSeconds(60);

    private final Process process;
    private final PrintStream commands;
    private final OutputLines replies;
    private final OutputLines log;

    private CommandChild(Process process) {
        this.process = process;
        this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.replies = OutputLines.follow(process.getInputStream());
        this.log = OutputLines.follow(process.getErrorStream());
    }

    /** Starts the command line and waits for its {@code ready}. */
    static CommandChild start(List<String> command) throws IOException, InterruptedException {
        CommandChild child = new CommandChild(new ProcessBuilder(command).start());
        assertNotNull(child.replies.poll("ready"::equals, REPLY_WAIT),
                () -> "the child did not start: " + child.log.seen());
        return child;
    }

    /** Sends the command and returns the reply; fails, with the child's log, if none comes within a minute. */
    String command(String command) {
        commands.println(command);
        String reply;
        try {
            reply = replies.poll(line -> true, REPLY_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for a reply to '" + command + "'", e);
        }
        assertNotNull(reply, () -> "no reply to '" + command + "'; the child's log: " + log.seen());
        return reply;
    }

    @Override
    public void close() throws InterruptedException {
        commands.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
