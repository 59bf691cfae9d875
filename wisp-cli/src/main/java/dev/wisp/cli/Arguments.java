package dev.wisp.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A command's arguments split into options and positional arguments. Options are {@code --name value},
 * {@code --name=value}, an alias such as {@code -p value}, or a flag; short ones may come together as curl takes
 * them ({@code -fsSL}, {@code -sSo FILE}, {@code -ofile}); {@code --} ends the options, and a lone
 * {@code -} is positional. A repeated option keeps its last value for {@link #value(String)}, and every value for
 * {@link #values(String)}; {@link #values(Set)} gives the values of several options in the order they were given.
 *
 * <p>Immutable.
 */
final class Arguments {
    private final Map<String, List<String>> options;
    /** Each option given, as its long name and value, in command-line order. */
    private final List<Map.Entry<String, String>> given;
    private final List<String> positionals;

    private Arguments(List<Map.Entry<String, String>> given, List<String> positionals) {
        Map<String, List<String>> options = new HashMap<>();
        for (Map.Entry<String, String> option : given) {
            options.computeIfAbsent(option.getKey(), name -> new ArrayList<>()).add(option.getValue());
        }
        this.options = Map.copyOf(options);
        this.given = List.copyOf(given);
        this.positionals = List.copyOf(positionals);
    }

    /**
     * Parses arguments against the options a command accepts.
     *
     * @throws UsageException for an unknown option, a flag given a value, or an option missing its value
     */
    static Arguments parse(List<String> arguments, List<Option> accepted) throws UsageException {
        List<Map.Entry<String, String>> options = new ArrayList<>();
        List<String> positionals = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.equals("--")) {
                positionals.addAll(arguments.subList(i + 1, arguments.size()));
                break;
            }
            if (!argument.startsWith("-") || argument.equals("-")) {
                positionals.add(argument);
                continue;
            }
            if (isCluster(argument, accepted)) {
                i = putCluster(options, argument, arguments, i, accepted);
                continue;
            }
            int equals = argument.startsWith("--") ? argument.indexOf('=') : -1;
            String name = equals < 0 ? argument : argument.substring(0, equals);
            Option option = find(accepted, name);
            if (!option.takesValue()) {
                if (equals >= 0) {
                    throw new UsageException("option " + option.name() + " takes no value");
                }
                put(options, option, "");
            } else if (equals >= 0) {
                put(options, option, argument.substring(equals + 1));
            } else if (i + 1 < arguments.size()) {
                put(options, option, arguments.get(++i));
            } else {
                throw new UsageException("option " + option.name() + " needs a value " + option.valueName());
            }
        }
        return new Arguments(options, positionals);
    }

    /** Whether the argument is several short options in one, as curl's {@code -fsSL}: no option has its name. */
    private static boolean isCluster(String argument, List<Option> accepted) {
        return !argument.startsWith("--") && argument.length() > 2
                && accepted.stream().noneMatch(option -> option.isNamed(argument));
    }

    /**
     * Puts the short options of a cluster: flags, and at most one option that takes a value, whose value is the rest
     * of the cluster ({@code -ofile}) or else the next argument ({@code -sSo file}), as curl reads them.
     *
     * @return the index of the last argument used
     */
    private static int putCluster(List<Map.Entry<String, String>> options, String cluster, List<String> arguments,
            int index, List<Option> accepted) throws UsageException {
        for (int c = 1; c < cluster.length(); c++) {
            Option option;
            try {
                option = find(accepted, "-" + cluster.charAt(c));
            } catch (UsageException e) {
                throw new UsageException("unknown option '-" + cluster.charAt(c) + "' in '" + cluster + "'");
            }
            if (!option.takesValue()) {
                put(options, option, "");
                continue;
            }
            if (c + 1 < cluster.length()) {
                put(options, option, cluster.substring(c + 1));
                return index;
            }
            if (index + 1 < arguments.size()) {
                put(options, option, arguments.get(index + 1));
                return index + 1;
            }
            throw new UsageException("option " + option.name() + " needs a value " + option.valueName());
        }
        return index;
    }

    private static void put(List<Map.Entry<String, String>> options, Option option, String value) {
        options.add(Map.entry(option.name(), value));
    }

    private static Option find(List<Option> accepted, String name) throws UsageException {
        for (Option option : accepted) {
            if (option.isNamed(name)) {
                return option;
            }
        }
        throw new UsageException("unknown option '" + name + "'");
    }

    /** Whether the option (by its long name) was given. */
    boolean has(String name) {
        return options.containsKey(name);
    }

    /** The value of an option, by its long name. */
    Optional<String> value(String name) {
        List<String> values = options.get(name);
        return values == null ? Optional.empty() : Optional.of(values.getLast());
    }

    /** Every value a repeated option was given, in order; empty if it was not given. */
    List<String> values(String name) {
        return List.copyOf(options.getOrDefault(name, List.of()));
    }

    /** Every value given to any of these options (by long name), in command-line order, each with its option. */
    List<Map.Entry<String, String>> values(Set<String> names) {
        return given.stream().filter(option -> names.contains(option.getKey())).toList();
    }

    /**
     * The value of a numeric option, or the default if it was not given.
     *
     * @throws UsageException if the value is not a whole number within min..max
     */
    int intValue(String name, int defaultValue, int min, int max) throws UsageException {
        String text = value(name).orElse(null);
        if (text == null) {
            return defaultValue;
        }
        UsageException outOfRange = new UsageException("option " + name + " must be a number from " + min + " to "
                + max + ": '" + text + "'");
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw outOfRange;
        }
        if (value < min || value > max) {
            throw outOfRange;
        }
        return value;
    }

    List<String> positionals() {
        return positionals;
    }
}
