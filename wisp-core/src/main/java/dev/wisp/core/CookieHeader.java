package dev.wisp.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the cookies a user agent sends in {@code Cookie} fields (RFC 6265 §4.2, §5.4): {@code name=value} pairs
 * separated by ';'. Tolerant as browsers are: whitespace around names and values, empty pairs, and pairs without
 * '=' are skipped rather than refused, since one odd cookie set by another application on the same host must not
 * make every request fail.
 *
 * <p>Stateless.
 */
public final class CookieHeader {
    private CookieHeader() {
    }

    /**
     * The cookies of every Cookie field, by name. When a name comes twice the first wins: RFC 6265 §5.4 has user
     * agents send the cookie with the longest path first, the one meant most specifically for this request. A
     * value in double quotes is returned without them.
     */
    public static Map<String, String> parse(List<String> fieldValues) {
        Map<String, String> cookies = new LinkedHashMap<>();
        for (String field : fieldValues) {
            for (String pair : field.split(";")) {
                int equals = pair.indexOf('=');
                if (equals < 0) {
                    continue;
                }
                String name = pair.substring(0, equals).strip();
                String value = pair.substring(equals + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                if (!name.isEmpty()) {
                    cookies.putIfAbsent(name, value);
                }
            }
        }
        return Collections.unmodifiableMap(cookies);
    }
}
