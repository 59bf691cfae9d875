package dev.wisp.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process that a test steers with lines on its standard input: it answers on its standard output and logs on
 * its standard error, one line each, both followed from the start. The child JVMs of the exhaustion tests (a server
 * or a client whose descriptors or heap a test fills) are such processes. Closing ends its input, which stops it,
 * and kills it if it has not exited within 10 s.
 */
public final class CommandProcess implements AutoCloseable {
    private final Process process;
    private final PrintStream commands;
    private final OutputLines replies;
    private final OutputLines log;
    private final Duration replyWait;

    private CommandProcess(Process process, Duration replyWait) {
        this.process = process;
        this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.replies = OutputLines.follow(process.getInputStream());
        this.log = OutputLines.follow(process.getErrorStream());
        this.replyWait = replyWait;
    }

    /** Starts the command line; each reply may take this long before a wait for it fails. */
    public static CommandProcess start(List<String> command, Duration replyWait) throws IOException {
        return new CommandProcess(new ProcessBuilder(command).start(), replyWait);
    }

    /** Sends the command as a line and returns the next reply. */
    public String command(String command) throws InterruptedException {
        commands.println(command);
        return awaitReply(line -> true, "a reply to '" + command + "'");
    }

    /**
     * The next reply that matches, skipping the others.
     *
     * @param expected what the reply is, for the failure's message
     * @throws AssertionError with the child's log, if none comes within the reply wait
     */
    public String awaitReply(Predicate<String> match, String expected) throws InterruptedException {
        String reply = replies.poll(match, replyWait);
        if (reply == null) {
            throw new AssertionError("no " + expected + " from the child within " + replyWait + "; its log: "
                    + log.seen());
        }
        return reply;
    }

    /** Waits for a log line that contains the text, and returns it; null if none came within the timeout. */
    public String awaitLog(String text, Duration timeout) throws InterruptedException {
        return log.poll(line -> line.contains(text), timeout);
    }

    /** Every log line so far, in order. */
    public List<String> logLines() {
        return log.seen();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        commands.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
