package dev.wisp.client.internal;

import dev.wisp.core.HeaderValidation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the challenges of {@code WWW-Authenticate} fields (RFC 9110 §11.6.1):
 * <pre>
 *   challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param = token BWS "=" BWS ( token / quoted-string )
 * </pre>
 * Several challenges may share one field, separated by commas like the parameters; a token followed by a space
 * and not by "=" starts the next challenge. A challenge that breaks the grammar ends the parse of its field: the
 * ones before it are kept. Stateless.
 */
final class AuthChallengeParser {
    private AuthChallengeParser() {
    }

    static List<AuthChallenge> parse(List<String> fieldValues) {
        List<AuthChallenge> challenges = new ArrayList<>();
        for (String value : fieldValues) {
            new Cursor(value).challenges(challenges);
        }
        return challenges;
    }

    /** A position in one field value. */
    private static final class Cursor {
        private final String text;
        private int at;

        Cursor(String text) {
            this.text = text;
        }

        void challenges(List<AuthChallenge> into) {
            skipSeparators();
            String scheme = token();
            while (scheme != null) {
                Map<String, String> params = new HashMap<>();
                String nextScheme = params(params);
                into.add(new AuthChallenge(scheme, params));
                scheme = nextScheme;
            }
        }

        /**
         * Reads what follows a scheme: a token68, or parameters. Returns the next challenge's scheme, which a comma
         * precedes, or null at the end of the field (or at input that breaks the grammar).
         */
        private String params(Map<String, String> params) {
            boolean first = true;
            while (true) {
                boolean comma = skipSeparators();
                String name = token68();
                if (name == null) {
                    return null;
                }
                int equals = 0;
                int afterName = at;
                skipSpaces();
                while (at < text.length() && text.charAt(at) == '=') {
                    at++;
                    equals++;
                }
                skipSpaces();
                boolean ended = at >= text.length() || text.charAt(at) == ',';
                if (equals == 0) {
                    if (first && !comma && ended) {
                        first = false;
                        continue; // a token68 without padding: credentials data, not parameters
                    }
                    at = afterName;
                    return comma || first ? name : null;
                }
                if (equals > 1 || ended) {
                    first = false;
                    continue; // a token68 with padding
                }
                String value = at < text.length() && text.charAt(at) == '"' ? quoted() : token();
                if (value == null) {
                    return null;
                }
                params.put(name.toLowerCase(Locale.ROOT), value);
                first = false;
            }
        }

        private String token() {
            int start = at;
            while (at < text.length() && HeaderValidation.isTokenChar(text.charAt(at))) {
                at++;
            }
            return at > start ? text.substring(start, at) : null;
        }

        /** A token, or the characters of a token68 before its padding ('/' and '+' besides token characters). */
        private String token68() {
            int start = at;
            while (at < text.length() && (HeaderValidation.isTokenChar(text.charAt(at)) || text.charAt(at) == '/'
                    || text.charAt(at) == '+')) {
                at++;
            }
            return at > start ? text.substring(start, at) : null;
        }

        private String quoted() {
            StringBuilder value = new StringBuilder();
            at++;
            while (at < text.length()) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\' && at < text.length()) {
                    c = text.charAt(at++);
                }
                value.append(c);
            }
            return null;
        }

        private void skipSpaces() {
            while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
                at++;
            }
        }

        /** Skips spaces and commas; returns whether there was a comma. */
        private boolean skipSeparators() {
            boolean comma = false;
            while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t'
                    || text.charAt(at) == ',')) {
                comma |= text.charAt(at) == ',';
                at++;
            }
            return comma;
        }
    }
}
