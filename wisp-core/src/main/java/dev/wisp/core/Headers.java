package dev.wisp.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An ordered list of header fields: names are case-insensitive (compared as ASCII), a name may occur more than
 * once, and the order of fields is kept as received or added. Used for request and response headers and for
 * trailers, over every protocol version.
 *
 * <p>Every name is checked to be a token and every value to be free of CR, LF, NUL and other controls when it is
 * added, so a {@code Headers} can be written to the wire as it is. Instances are immutable and thread-safe; use
 * {@link #builder()} or {@link #toBuilder()} to make one.
 */
public final class Headers {
    private static final Headers EMPTY = new Headers(new String[0], 0);

    /** Names at even indexes, values at odd ones; only the first {@code size * 2} entries are used. */
    private final String[] fields;
    private final int size;

    private Headers(String[] fields, int size) {
        this.fields = fields;
        this.size = size;
    }

    public static Headers empty() {
        return EMPTY;
    }

    /**
     * Returns headers made of name, value pairs.
     *
     * @throws IllegalArgumentException if the count is odd or a name or value is invalid
     */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected name, value pairs, got " + namesAndValues.length + " strings");
        }
        Builder builder = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.fields = Arrays.copyOf(fields, Math.max(16, size * 2));
        builder.size = size;
        return builder;
    }

    /** The number of fields, counting each occurrence of a repeated name. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The name of field {@code index}, as it was written. */
    public String name(int index) {
        Objects.checkIndex(index, size);
        return fields[index * 2];
    }

    /** The value of field {@code index}. */
    public String value(int index) {
        Objects.checkIndex(index, size);
        return fields[index * 2 + 1];
    }

    /** The value of the first field with this name, if any. */
    public Optional<String> first(String name) {
        return Optional.ofNullable(firstOrNull(name));
    }

    /** The value of the first field with this name, or {@code null}; for hot paths inside Wisp. */
    public String firstOrNull(String name) {
        for (int i = 0; i < size * 2; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                return fields[i + 1];
            }
        }
        return null;
    }

    /**
     * The elements of a list-based field (RFC 9110 §5.6.1) in every field of this name, in order: each value split at
     * its commas, each element stripped of white space, empty ones left out. For fields whose elements hold no quoted
     * comma (Connection, Content-Encoding, Cache-Control's directive names, Sec-WebSocket-Protocol).
     */
    public List<String> elements(String name) {
        List<String> elements = new ArrayList<>();
        for (String value : all(name)) {
            for (String element : value.split(",")) {
                String stripped = element.strip();
                if (!stripped.isEmpty()) {
                    elements.add(stripped);
                }
            }
        }
        return elements;
    }

    /** All values of fields with this name, in order; empty if there is none. */
    public List<String> all(String name) {
        List<String> values = null;
        for (int i = 0; i < size * 2; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(fields[i + 1]);
            }
        }
        return values == null ? List.of() : Collections.unmodifiableList(values);
    }

    /** The number of fields with this name. */
    public int count(String name) {
        int count = 0;
        for (int i = 0; i < size * 2; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                count++;
            }
        }
        return count;
    }

    public boolean contains(String name) {
        return firstOrNull(name) != null;
    }

    /**
     * Whether a comma-separated list header (RFC 9110 §5.6.1) with this name holds the token, ignoring case,
     * across all its fields; e.g. {@code containsToken("Connection", "close")}.
     */
    public boolean containsToken(String name, String token) {
        for (int i = 0; i < size * 2; i += 2) {
            if (fields[i].equalsIgnoreCase(name) && listContains(fields[i + 1], token)) {
                return true;
            }
        }
        return false;
    }

    private static boolean listContains(String list, String token) {
        int start = 0;
        while (start <= list.length()) {
            int comma = list.indexOf(',', start);
            int end = comma < 0 ? list.length() : comma;
            int from = start;
            int to = end;
            while (from < to && HeaderValidation.isWhitespace(list.charAt(from))) {
                from++;
            }
            while (to > from && HeaderValidation.isWhitespace(list.charAt(to - 1))) {
                to--;
            }
            if (to - from == token.length() && list.regionMatches(true, from, token, 0, token.length())) {
                return true;
            }
            if (comma < 0) {
                return false;
            }
            start = comma + 1;
        }
        return false;
    }

    /** The first value of this header as a non-negative decimal number, if present and valid. */
    public OptionalLong firstAsLong(String name) {
        String value = firstOrNull(name);
        long result = value == null ? -1 : Ascii.parseDigits(value);
        return result < 0 ? OptionalLong.empty() : OptionalLong.of(result);
    }

    /** The distinct names, in order of first occurrence, as first written. */
    public Set<String> names() {
        Set<String> lowerCase = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < size * 2; i += 2) {
            if (lowerCase.add(Ascii.toLowerCase(fields[i]))) {
                names.add(fields[i]);
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** Calls the action for each field in order. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < size * 2; i += 2) {
            action.accept(fields[i], fields[i + 1]);
        }
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof Headers headers) || headers.size != size) {
            return false;
        }
        for (int i = 0; i < size * 2; i += 2) {
            if (!fields[i].equalsIgnoreCase(headers.fields[i]) || !fields[i + 1].equals(headers.fields[i + 1])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int hash = 1;
        for (int i = 0; i < size * 2; i += 2) {
            hash = 31 * hash + Ascii.toLowerCase(fields[i]).hashCode();
            hash = 31 * hash + fields[i + 1].hashCode();
        }
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < size * 2; i += 2) {
            out.append(fields[i]).append(": ").append(fields[i + 1]).append('\n');
        }
        return out.toString();
    }

    /**
     * Builds {@link Headers}; not thread-safe. Every name and value is validated when added.
     *
     * <p>{@link #build()} hands its array to the headers it makes instead of copying it, and the builder copies it
     * before its next change: a head is parsed or written with one array, and a builder used again still leaves
     * the headers it built unchanged.
     */
    public static final class Builder {
        private String[] fields = new String[16];
        private int size;
        /** Whether built headers hold {@link #fields}, so it must be copied before it changes. */
        private boolean shared;

        private Builder() {
        }

        /**
         * Appends a field, keeping existing fields of the same name.
         *
         * @throws IllegalArgumentException if the name is not a token or the value has forbidden characters
         */
        public Builder add(String name, String value) {
            HeaderValidation.requireName(name);
            HeaderValidation.requireValue(name, value);
            return append(name, value);
        }

        /** Appends a field whose name and value were checked. */
        private Builder append(String name, String value) {
            if (size * 2 == fields.length) {
                fields = Arrays.copyOf(fields, fields.length * 2);
                shared = false;
            } else {
                own();
            }
            fields[size * 2] = name;
            fields[size * 2 + 1] = value;
            size++;
            return this;
        }

        /**
         * Appends a field whose value is bytes, read as ISO-8859-1: what a codec parsed from the wire. The value
         * is checked byte by byte, once, where checking the string made of it would take longer.
         *
         * @throws IllegalArgumentException if the name is not a token, or the value has forbidden characters or
         *     leading or trailing whitespace
         */
        public Builder add(String name, byte[] value, int offset, int length) {
            HeaderValidation.requireName(name);
            Objects.checkFromIndexSize(offset, length, value.length);
            if (!HeaderValidation.isFieldValue(value, offset, offset + length)) {
                throw HeaderValidation.forbiddenValue(name, Ascii.escape(value, offset, length));
            }
            return append(name, new String(value, offset, length, StandardCharsets.ISO_8859_1));
        }

        /**
         * Continues the value of the last field added with one space and these bytes, read as ISO-8859-1: what RFC
         * 9112 §5.2 asks of a recipient that replaces an obsolete line folding instead of rejecting it. Bytes without
         * leading or trailing whitespace (the caller trims them); none leaves the value as it is.
         *
         * @throws IllegalStateException if no field was added yet
         * @throws IllegalArgumentException if the bytes have forbidden characters or leading or trailing whitespace
         */
        public Builder continueLast(byte[] value, int offset, int length) {
            if (size == 0) {
                throw new IllegalStateException("no field to continue");
            }
            Objects.checkFromIndexSize(offset, length, value.length);
            String name = fields[size * 2 - 2];
            if (!HeaderValidation.isFieldValue(value, offset, offset + length)) {
                throw HeaderValidation.forbiddenValue(name, Ascii.escape(value, offset, length));
            }
            if (length == 0) {
                return this;
            }
            own();
            String last = fields[size * 2 - 1];
            String more = new String(value, offset, length, StandardCharsets.ISO_8859_1);
            fields[size * 2 - 1] = last.isEmpty() ? more : last + ' ' + more;
            return this;
        }

        /** Appends a field that was checked when it was made. */
        public Builder add(HeaderField field) {
            return append(field.name(), field.value());
        }

        /**
         * Replaces every field of this name with one field holding the value, in place of the first one.
         *
         * @throws IllegalArgumentException if the name is not a token or the value has forbidden characters
         */
        public Builder set(String name, String value) {
            HeaderValidation.requireName(name);
            HeaderValidation.requireValue(name, value);
            return replace(name, value);
        }

        /** {@link #set(String, String)} with a field that was checked when it was made. */
        public Builder set(HeaderField field) {
            return replace(field.name(), field.value());
        }

        /**
         * {@link #set(String, String)} with a number written in decimal, which needs no check: a
         * {@code Content-Length}, for one.
         *
         * @throws IllegalArgumentException if the name is not a token
         */
        public Builder set(String name, long value) {
            HeaderValidation.requireName(name);
            return replace(name, Long.toString(value));
        }

        /** Replaces every field of this name, checked, with one in place of the first one. */
        private Builder replace(String name, String value) {
            for (int i = 0; i < size * 2; i += 2) {
                if (fields[i].equalsIgnoreCase(name)) {
                    own();
                    fields[i] = name;
                    fields[i + 1] = value;
                    removeFrom(name, i + 2);
                    return this;
                }
            }
            return append(name, value);
        }

        /** Removes every field of this name. */
        public Builder remove(String name) {
            removeFrom(name, 0);
            return this;
        }

        /**
         * Replaces the fields of every name the other headers have with all of theirs: a name they hold twice (two
         * {@code Set-Cookie}) stays twice, where {@link #set} one by one would keep the last.
         */
        public Builder setAll(Headers headers) {
            for (int i = 0; i < headers.size * 2; i += 2) {
                String name = headers.fields[i];
                boolean first = true;
                for (int j = 0; j < i; j += 2) {
                    if (headers.fields[j].equalsIgnoreCase(name)) {
                        first = false;
                        break;
                    }
                }
                // checked when they entered those headers
                if (first) {
                    replace(name, headers.fields[i + 1]);
                } else {
                    append(name, headers.fields[i + 1]);
                }
            }
            return this;
        }

        /** Appends all fields of other headers. */
        public Builder addAll(Headers headers) {
            for (int i = 0; i < headers.size * 2; i += 2) {
                append(headers.fields[i], headers.fields[i + 1]); // checked when they entered those headers
            }
            return this;
        }

        public boolean contains(String name) {
            return firstOrNull(name) != null;
        }

        /** The value of the first field of this name added so far, or {@code null}. */
        public String firstOrNull(String name) {
            for (int i = 0; i < size * 2; i += 2) {
                if (fields[i].equalsIgnoreCase(name)) {
                    return fields[i + 1];
                }
            }
            return null;
        }

        public int size() {
            return size;
        }

        private void removeFrom(String name, int start) {
            int first = start;
            while (first < size * 2 && !fields[first].equalsIgnoreCase(name)) {
                first += 2;
            }
            if (first == size * 2) {
                return; // nothing to remove, so nothing to copy
            }
            own();
            int write = first;
            for (int read = first; read < size * 2; read += 2) {
                if (!fields[read].equalsIgnoreCase(name)) {
                    fields[write] = fields[read];
                    fields[write + 1] = fields[read + 1];
                    write += 2;
                }
            }
            Arrays.fill(fields, write, size * 2, null);
            size = write / 2;
        }

        public Headers build() {
            if (size == 0) {
                return EMPTY;
            }
            shared = true;
            return new Headers(fields, size);
        }

        /** Copies the array if built headers hold it, so a change to this builder leaves them as they are. */
        private void own() {
            if (shared) {
                fields = fields.clone();
                shared = false;
            }
        }
    }
}
