package dev.wisp.cli;

import java.util.List;

/**
 * An option a command accepts, and its line in the command's help.
 *
 * @param name the long form, such as {@code --port}
 * @param alias a short form such as {@code -p}, or {@code null}
 * @param valueName the name of the value in the help, such as {@code N}, or {@code null} for a flag
 * @param description what it does, with its default
 */
record Option(String name, String alias, String valueName, String description) {
    boolean takesValue() {
        return valueName != null;
    }

    boolean isNamed(String argument) {
        return argument.equals(name) || argument.equals(alias);
    }

    /** The option's help line, indented, with the description in a column. */
    String helpLine() {
        String forms = (alias == null ? "    " : alias + ", ") + name + (takesValue() ? " " + valueName : "");
        return "  " + forms + " ".repeat(Math.max(2, 28 - forms.length())) + description + "\n";
    }

    /** A command's help: its text, then "Options:" and a line per option. */
    static String usage(String text, List<Option> options) {
        StringBuilder usage = new StringBuilder(text).append("Options:\n");
        options.forEach(option -> usage.append(option.helpLine()));
        return usage.toString();
    }
}
