package dev.wisp.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Forwarded} field of RFC 7239, which proxies add to a request: its elements, one per proxy, and their
 * parameters ({@code for}, {@code host}, {@code proto}, {@code by}).
 */
public final class ForwardedField {
    private ForwardedField() {
    }

    /** The elements of a field value, split at the commas outside quoted strings. */
    public static List<String> split(String value) {
        return splitOutsideQuotes(value, ',');
    }

    /**
     * The value of an element's parameter of this name (compared without case), unquoted ({@code for="[2001:db8::1]"}
     * to {@code [2001:db8::1]}), or the empty text when it has none.
     */
    public static String parameter(String element, String name) {
        for (String pair : splitOutsideQuotes(element, ';')) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).strip().equalsIgnoreCase(name)) {
                return unquoted(pair.substring(equals + 1).strip());
            }
        }
        return "";
    }

    /** The text split at each delimiter outside a quoted string (where a backslash escapes a character), stripped. */
    private static List<String> splitOutsideQuotes(String text, char delimiter) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == delimiter && !quoted) {
                parts.add(text.substring(start, i).strip());
                start = i + 1;
            }
        }
        parts.add(text.substring(start).strip());
        return parts;
    }

    private static String unquoted(String value) {
        if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
            return value;
        }
        StringBuilder text = new StringBuilder(value.length());
        for (int i = 1; i < value.length() - 1; i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() - 1) {
                c = value.charAt(++i);
            }
            text.append(c);
        }
        return text.toString();
    }
}
