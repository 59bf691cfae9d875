package dev.wisp.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The {@code wisp} command: picks a {@link Command} by its first argument. Exit codes: 0 success, 1 failure,
 * 2 usage error (the wrong argument and a pointer to the help on stderr); {@code get} adds curl's codes for its
 * failures.
 */
public final class Main {
    private static final List<Command> COMMANDS = List.of(new ServeCommand(),
            new GetCommand(System.in, System.getenv()), new WsCommand(System.in, System.getenv()));

    private Main() {
    }

    /** Runs the command line, then ends the process with its exit code. */
    public static void main(String[] args) {
        // One line per log record instead of java.util.logging's default two, unless the user chose a format.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        }
        int code = run(Arrays.asList(args), System.out, System.err);
        if (args.length == 0 || !args[0].equals("serve")) {
            ProcessExit.endAtOnce(code); // serve stops through its shutdown hook and signal handlers: the JVM's way
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the command line and returns its exit code. */
    static int run(List<String> arguments, PrintStream out, PrintStream err) {
        if (arguments.isEmpty()) {
            err.print(usage());
            return ExitCodes.USAGE;
        }
        String first = arguments.get(0);
        switch (first) {
            case "--help", "-h" -> {
                out.print(usage());
                return ExitCodes.OK;
            }
            case "help" -> {
                return help(arguments.subList(1, arguments.size()), out, err);
            }
            case "--version", "-v", "-V" -> {
                out.println("wisp " + version());
                return ExitCodes.OK;
            }
            default -> { }
        }
        Command command = command(first);
        if (command == null) {
            return usageError("wisp", "unknown command '" + first + "'", "wisp", err);
        }
        try {
            return command.run(arguments.subList(1, arguments.size()), out, err);
        } catch (UsageException e) {
            String name = "wisp " + command.name();
            return usageError(name, e.getMessage(), name, err);
        }
    }

    /** {@code wisp help [COMMAND]}: the list of commands, or one command's help, as with {@code --help}. */
    private static int help(List<String> topics, PrintStream out, PrintStream err) {
        if (topics.isEmpty()) {
            out.print(usage());
            return ExitCodes.OK;
        }
        Command command = command(topics.get(0));
        if (command == null || topics.size() > 1) {
            String problem = command == null ? "unknown command '" + topics.get(0) + "'"
                    : "expected one COMMAND, got " + String.join(" ", topics);
            return usageError("wisp help", problem, "wisp", err);
        }
        out.print(command.usage());
        return ExitCodes.OK;
    }

    /**
     * Reports a usage error as git and curl do: the one thing that is wrong and where to read the usage, not the
     * whole help, which would push the error off the screen.
     */
    private static int usageError(String prefix, String problem, String helpCommand, PrintStream err) {
        err.println(prefix + ": " + problem);
        err.println("Run '" + helpCommand + " --help' for usage.");
        return ExitCodes.USAGE;
    }

    private static Command command(String name) {
        return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    static String usage() {
        StringBuilder usage = new StringBuilder("""
                Usage: wisp COMMAND [options]
                       wisp help [COMMAND] | --help | --version

                Commands:
                """);
        for (Command command : COMMANDS) {
            usage.append("  ").append(command.name()).append(" ".repeat(Math.max(2, 10 - command.name().length())))
                    .append(command.summary()).append('\n');
        }
        return usage.append("\nRun 'wisp help COMMAND' or 'wisp COMMAND --help' for a command's options.\n")
                .toString();
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
