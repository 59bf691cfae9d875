package dev.wisp.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A route's path pattern: literal segments, {@code {name}} segments that match any one segment, and an optional
 * trailing {@code *} that matches the rest of the path (zero or more segments). Matches decoded segments, so
 * {@code /files/{name}} matches {@code /files/a%20b} with {@code name = "a b"}. A trailing slash in the request
 * path is ignored.
 *
 * <p>Immutable and thread-safe.
 */
public final class PathPattern {
    /** The parameter name under which the remainder of a trailing wildcard is reported. */
    public static final String WILDCARD = "*";

    private final String text;
    private final String[] literals;
    private final String[] parameterNames;
    private final boolean wildcard;

    private PathPattern(String text, String[] literals, String[] parameterNames, boolean wildcard) {
        this.text = text;
        this.literals = literals;
        this.parameterNames = parameterNames;
        this.wildcard = wildcard;
    }

    /**
     * Parses a pattern such as {@code /}, {@code /users/{id}} or {@code /static/*}.
     *
     * @throws IllegalArgumentException if it does not start with '/', has an empty or repeated parameter name,
     *     or a '*' anywhere but as the last segment
     */
    public static PathPattern parse(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("path pattern must start with '/': " + pattern);
        }
        List<String> literals = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean wildcard = false;
        String[] parts = pattern.substring(1).split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            boolean last = i == parts.length - 1;
            if (part.isEmpty()) {
                if (last) {
                    break;
                }
                throw new IllegalArgumentException("path pattern has an empty segment: " + pattern);
            }
            if (part.equals(WILDCARD)) {
                if (!last) {
                    throw new IllegalArgumentException("'*' must be the last segment: " + pattern);
                }
                wildcard = true;
            } else if (part.startsWith("{") && part.endsWith("}")) {
                String name = part.substring(1, part.length() - 1);
                if (name.isEmpty() || name.equals(WILDCARD) || names.contains(name)) {
                    throw new IllegalArgumentException("bad or repeated parameter name '" + name + "': " + pattern);
                }
                literals.add(null);
                names.add(name);
            } else if (part.contains("{") || part.contains("}") || part.contains("*")) {
                throw new IllegalArgumentException("'{', '}' and '*' must form a whole segment: " + pattern);
            } else {
                literals.add(part);
                names.add(null);
            }
        }
        return new PathPattern(pattern, literals.toArray(new String[0]), names.toArray(new String[0]), wildcard);
    }

    /**
     * Matches decoded path segments.
     *
     * @return the path parameters, empty for a pattern without any, or {@code null} if the path does not match
     */
    public Map<String, String> match(List<String> segments) {
        int size = segments.size();
        if (size < literals.length || (!wildcard && size != literals.length)) {
            return null;
        }
        Map<String, String> parameters = null;
        for (int i = 0; i < literals.length; i++) {
            String segment = segments.get(i);
            if (literals[i] != null) {
                if (!literals[i].equals(segment)) {
                    return null;
                }
            } else {
                if (parameters == null) {
                    parameters = new HashMap<>(4);
                }
                parameters.put(parameterNames[i], segment);
            }
        }
        if (wildcard) {
            if (parameters == null) {
                parameters = new HashMap<>(2);
            }
            parameters.put(WILDCARD, String.join("/", segments.subList(literals.length, size)));
        }
        return parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    /**
     * Whether this pattern matches every path the other does, whatever its parameters are named: {@code /users/{id}}
     * matches those of {@code /users/{name}} and of {@code /users/me}, {@code /static/*} those of
     * {@code /static/app.js} and {@code /static/img/*}.
     */
    boolean matchesAllOf(PathPattern other) {
        // Lengths first: without a wildcard this matches paths of its length only, with one those as long or longer.
        if (wildcard ? other.literals.length < literals.length
                : other.wildcard || other.literals.length != literals.length) {
            return false;
        }
        for (int i = 0; i < literals.length; i++) {
            if (literals[i] != null && !literals[i].equals(other.literals[i])) {
                return false; // a literal matches that segment only, which the other may leave to a parameter
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
