package dev.wisp.cli;

import dev.wisp.client.ConnectTarget;
import java.util.ArrayList;
import java.util.List;

/**
 * curl's {@code --connect-to HOST1:PORT1:HOST2:PORT2}: for a request to HOST1:PORT1, connect to HOST2:PORT2. Any
 * part may be empty (HOST1, PORT1: any; HOST2, PORT2: the URL's own); an IPv6 literal is written in brackets.
 */
final class ConnectToOption {
    private static final int FIELDS = 4;

    private ConnectToOption() {
    }

    /** The rules of the option's values, in order: the first that matches a request's host and port is used. */
    static ConnectTarget rules(List<String> entries) throws UsageException {
        List<ConnectTarget.Rule> rules = new ArrayList<>();
        for (String entry : entries) {
            rules.add(rule(entry));
        }
        return ConnectTarget.rules(rules);
    }

    private static ConnectTarget.Rule rule(String entry) throws UsageException {
        List<String> fields = new ArrayList<>(FIELDS);
        int at = 0;
        for (int field = 0; field < FIELDS; field++) {
            boolean last = field == FIELDS - 1;
            int end;
            if (field % 2 == 0 && entry.startsWith("[", at)) {
                int close = entry.indexOf(']', at);
                if (close < 0 || entry.indexOf(':', at) > close) {
                    throw refused(entry); // brackets hold an IPv6 literal, never a name or an IPv4 address
                }
                fields.add(entry.substring(at + 1, close));
                end = close + 1;
            } else {
                end = last ? entry.length() : entry.indexOf(':', at);
                if (end < 0) {
                    throw refused(entry);
                }
                fields.add(entry.substring(at, end));
            }
            if (last ? end != entry.length() : end >= entry.length() || entry.charAt(end) != ':') {
                throw refused(entry);
            }
            at = end + 1;
        }
        try {
            return new ConnectTarget.Rule(fields.get(0), port(fields.get(1), entry), fields.get(2),
                    port(fields.get(3), entry));
        } catch (IllegalArgumentException e) {
            throw refused(entry);
        }
    }

    /** A port, or 0 for an empty one. */
    private static int port(String text, String entry) throws UsageException {
        if (text.isEmpty()) {
            return 0;
        }
        // Leading zeros are taken, as curl takes them.
        int port = text.matches("\\d{1,9}") ? Integer.parseInt(text) : -1;
        if (port < 1 || port > 65535) {
            throw refused(entry);
        }
        return port;
    }

    private static UsageException refused(String entry) {
        return new UsageException("option --connect-to takes HOST1:PORT1:HOST2:PORT2 (any part empty, IPv6 in"
                + " brackets): '" + entry + "'");
    }
}
