package dev.wisp.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * One subcommand of {@code wisp}, such as {@code serve}. {@link Main} picks it by name and hands it the arguments
 * that follow the name.
 */
interface Command {
    /** The name typed after {@code wisp}. */
    String name();

    /** One line for the list of commands in {@code wisp --help}. */
    String summary();

    /** The full help, printed for {@code --help} and {@code wisp help NAME}. */
    String usage();

    /**
     * Runs the command; may block until the command is done (a server until it is stopped).
     *
     * @return the exit code: 0 on success, 1 on failure
     * @throws UsageException if the arguments do not fit the usage (exit code 2)
     */
    int run(List<String> arguments, PrintStream out, PrintStream err) throws UsageException;
}
