package dev.wisp.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code .netrc} file's logins, read as curl reads one: tokens separated by blanks and line ends; {@code machine
 * NAME} starts an entry and {@code default} one that matches every host; {@code login}, {@code password} and
 * {@code account} take the token after them; a token may be quoted, with {@code \"}, {@code \\}, {@code \n},
 * {@code \r} and {@code \t} in it; a {@code #} at the start of a token comments out the rest of its line; a
 * {@code macdef} (an ftp macro) runs to the next empty line and is skipped. Words it does not know are passed over,
 * and a keyword left without its value at the end is dropped, so a file curl reads gives the same logins here.
 *
 * <p>Immutable.
 */
final class NetrcFile {
    /** One entry: its host (null for {@code default}), login and password, each null when not given. */
    record Entry(String machine, String login, String password) {
        @Override
        public String toString() {
            return "Entry[machine=" + machine + ", login=" + login + ", password=" + (password == null ? null : "***")
                    + "]";
        }
    }

    private final List<Entry> entries;

    private NetrcFile(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    List<Entry> entries() {
        return entries;
    }

    /**
     * The entry for a host, as curl chooses it: the first {@code machine} of that name (letter case aside) whose
     * login is {@code login}, or any login when {@code login} is null, else a {@code default} entry met before such
     * a machine; empty when there is none or it holds neither a login nor a password.
     */
    Optional<Entry> find(String host, String login) {
        for (Entry entry : entries) {
            boolean hostMatches = entry.machine() == null || entry.machine().equalsIgnoreCase(host);
            boolean loginMatches = login == null || entry.login() == null || entry.login().equals(login);
            if (hostMatches && loginMatches && (entry.login() != null || entry.password() != null)) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    static NetrcFile parse(String text) {
        List<Entry> entries = new ArrayList<>();
        Tokens tokens = new Tokens(text);
        boolean inEntry = false;
        String machine = null;
        String login = null;
        String password = null;
        for (String token = tokens.next(); token != null; token = tokens.next()) {
            switch (token) {
                case "machine", "default" -> {
                    if (inEntry) {
                        entries.add(new Entry(machine, login, password));
                    }
                    inEntry = true;
                    machine = token.equals("default") ? null : tokens.next();
                    login = null;
                    password = null;
                    if (token.equals("machine") && machine == null) {
                        inEntry = false;
                    }
                }
                case "login" -> login = tokens.next();
                case "password" -> password = tokens.next();
                case "account" -> tokens.next();
                case "macdef" -> tokens.skipToEmptyLine();
                default -> {
                    // a word of no meaning here, as curl passes it over
                }
            }
        }
        if (inEntry) {
            entries.add(new Entry(machine, login, password));
        }
        return new NetrcFile(entries);
    }

    /** The file's tokens, one after another. */
    private static final class Tokens {
        private final String text;
        private int at;

        Tokens(String text) {
            this.text = text;
        }

        /** The next token, unquoted; null at the end. */
        String next() {
            while (true) {
                while (at < text.length() && isBlank(text.charAt(at))) {
                    at++;
                }
                if (at >= text.length()) {
                    return null;
                }
                if (text.charAt(at) != '#') {
                    break;
                }
                while (at < text.length() && text.charAt(at) != '\n') {
                    at++;
                }
            }
            return text.charAt(at) == '"' ? quoted() : plain();
        }

        private String plain() {
            int start = at;
            while (at < text.length() && !isBlank(text.charAt(at))) {
                at++;
            }
            return text.substring(start, at);
        }

        private String quoted() {
            StringBuilder token = new StringBuilder();
            at++; // the opening quote
            while (at < text.length() && text.charAt(at) != '"') {
                char c = text.charAt(at++);
                if (c == '\\' && at < text.length()) {
                    char escaped = text.charAt(at++);
                    token.append(switch (escaped) {
                        case 'n' -> '\n';
                        case 'r' -> '\r';
                        case 't' -> '\t';
                        default -> escaped;
                    });
                } else {
                    token.append(c);
                }
            }
            at++; // the closing quote, if any
            return token.toString();
        }

        /** Passes over a macro's body: up to and including the next empty line. */
        void skipToEmptyLine() {
            int blank = text.indexOf("\n\n", at);
            at = blank < 0 ? text.length() : blank + 2;
        }

        private static boolean isBlank(char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r';
        }
    }
}
