package dev.wisp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The {@code wisp} command: picks a {@link Command} by its first argument. Exit codes: 0 success, 1 failure,
 * 2 usage error (with the usage on stderr); {@code get} adds curl's codes for its failures.
 */
public final class Main {
    private static final List<Command> COMMANDS = List.of(new ServeCommand(), new GetCommand(),
            new WsCommand(System.in));

    private Main() {
    }

    /** Runs the command line; exits the JVM with the exit code unless it is 0. */
    public static void main(String[] args) {
        // One line per log record instead of java.util.logging's default two, unless the user chose a format.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        }
        int code = run(Arrays.asList(args), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the command line and returns its exit code. */
    static int run(List<String> arguments, PrintStream out, PrintStream err) {
        if (arguments.isEmpty()) {
            err.print(usage());
            return 2;
        }
        String first = arguments.get(0);
        switch (first) {
            case "--help", "-h", "help" -> {
                out.print(usage());
                return 0;
            }
            case "--version", "-V" -> {
                out.println("wisp " + version());
                return 0;
            }
            default -> { }
        }
        Command command = COMMANDS.stream().filter(c -> c.name().equals(first)).findFirst().orElse(null);
        if (command == null) {
            err.println("wisp: unknown command '" + first + "'");
            err.print(usage());
            return 2;
        }
        try {
            return command.run(arguments.subList(1, arguments.size()), out, err);
        } catch (UsageException e) {
            err.println("wisp " + command.name() + ": " + e.getMessage());
            err.print(command.usage());
            return 2;
        }
    }

    static String usage() {
        StringBuilder usage = new StringBuilder("""
                Usage: wisp COMMAND [options]
                       wisp --help | --version

                Commands:
                """);
        for (Command command : COMMANDS) {
            usage.append("  ").append(command.name()).append(" ".repeat(Math.max(2, 10 - command.name().length())))
                    .append(command.summary()).append('\n');
        }
        return usage.append("\nRun 'wisp COMMAND --help' for a command's options.\n").toString();
    }

    /** The version the jar was built as, from a resource the build fills in. */
    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
