package dev.wisp.bench.load;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --name value} options of the load tools, after their positional arguments. An unknown option prints
 * the tool's usage and exits with status 2, as a missing positional argument does.
 */
final class Options {
    private final Map<String, String> values;

    private Options(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @param args the tool's arguments
     * @param positional how many come before the options; fewer exits with the usage
     * @param usage the tool's usage line
     * @param names the options the tool knows
     */
    static Options parse(String[] args, int positional, String usage, String... names) {
        if (args.length < positional) {
            exit(usage);
        }
        Map<String, String> values = new HashMap<>();
        for (int i = positional; i + 1 < args.length; i += 2) {
            if (!List.of(names).contains(args[i])) {
                System.err.println("unknown option " + args[i]);
                exit(usage);
            }
            values.put(args[i], args[i + 1]);
        }
        return new Options(values);
    }

    private static void exit(String usage) {
        System.err.println("usage: " + usage);
        System.exit(2);
    }

    int getInt(String name, int orElse) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : orElse;
    }

    long getLong(String name, long orElse) {
        return values.containsKey(name) ? Long.parseLong(values.get(name)) : orElse;
    }

    double getDouble(String name, double orElse) {
        return values.containsKey(name) ? Double.parseDouble(values.get(name)) : orElse;
    }
}
