package dev.wisp.server.forms;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The text fields of a form, decoded: a urlencoded body's fields, or a multipart body's parts without a file name.
 * Names keep the order they first came in, values of a repeated name their order.
 *
 * <p>Immutable.
 */
public final class FormData {
    private static final FormData EMPTY = new FormData(Map.of());

    private final Map<String, List<String>> fields;

    private FormData(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /** A form without fields. */
    public static FormData empty() {
        return EMPTY;
    }

    /** The first value of a field. */
    public Optional<String> first(String name) {
        List<String> values = fields.get(name);
        return values == null ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Every value of a field, in order; empty if the form has none. */
    public List<String> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    /** The field names, in the order they first came. */
    public Set<String> names() {
        return fields.keySet();
    }

    /** Whether the form has a field of this name. */
    public boolean contains(String name) {
        return fields.containsKey(name);
    }

    /** The fields as an unmodifiable map from name to values. */
    public Map<String, List<String>> asMap() {
        return fields;
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FormData form && form.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return fields.toString();
    }

    /** Collects fields in order, for the readers of this package; not thread-safe. */
    static final class Builder {
        private final Map<String, List<String>> fields = new LinkedHashMap<>();

        Builder add(String name, String value) {
            fields.computeIfAbsent(name, key -> new ArrayList<>(1)).add(value);
            return this;
        }

        FormData build() {
            if (fields.isEmpty()) {
                return EMPTY;
            }
            Map<String, List<String>> copy = new LinkedHashMap<>();
            fields.forEach((name, values) -> copy.put(name, List.copyOf(values)));
            return new FormData(Collections.unmodifiableMap(copy));
        }
    }
}
