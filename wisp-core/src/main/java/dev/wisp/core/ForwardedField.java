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
        List<String> elements = new ArrayList<>();
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                elements.add(value.substring(start, i).strip());
                start = i + 1;
            }
        }
        elements.add(value.substring(start).strip());
        return elements;
    }

    /**
     * The value of an element's parameter of this name (compared without case), unquoted ({@code for="[2001:db8::1]"}
     * to {@code [2001:db8::1]}), or the empty text when it has none.
     */
    public static String parameter(String element, String name) {
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i <= element.length(); i++) {
            char c = i < element.length() ? element.charAt(i) : ';';
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                String pair = element.substring(start, i).strip();
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).strip().equalsIgnoreCase(name)) {
                    return unquoted(pair.substring(equals + 1).strip());
                }
                start = i + 1;
            }
        }
        return "";
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
