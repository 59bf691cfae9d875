package dev.wisp.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.http2.hpack.HpackField;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.function.Executable;

/** Field lists for the tests of {@link RequestFields}, {@link ResponseFields} and {@link TrailerFields}. */
final class FieldLists {
    /** A request that every rule accepts, to which the tests add or change one field. */
    static final List<HpackField> GET = of(":method", "GET", ":scheme", "https", ":authority", "example.com",
            ":path", "/index.html");

    private FieldLists() {
    }

    /** Fields of name, value pairs. */
    static List<HpackField> of(String... namesAndValues) {
        List<HpackField> fields = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.add(new HpackField(namesAndValues[i], namesAndValues[i + 1]));
        }
        return fields;
    }

    /** The fields with more appended. */
    static List<HpackField> plus(List<HpackField> fields, String... namesAndValues) {
        List<HpackField> all = new ArrayList<>(fields);
        all.addAll(of(namesAndValues));
        return all;
    }

    /** The fields without those of this name. */
    static List<HpackField> without(List<HpackField> fields, String name) {
        return fields.stream().filter(field -> !field.name().equals(name)).toList();
    }

    /** The fields with the value of the first one of this name replaced. */
    static List<HpackField> with(List<HpackField> fields, String name, String value) {
        List<HpackField> changed = new ArrayList<>(fields);
        for (int i = 0; i < changed.size(); i++) {
            if (changed.get(i).name().equals(name)) {
                changed.set(i, new HpackField(name, value));
                return changed;
            }
        }
        throw new IllegalArgumentException("no field " + name);
    }

    /** Asserts that the call throws a PROTOCOL_ERROR stream error on stream 1 with this message. */
    static void assertMalformed(String message, Executable call) {
        StreamException e = assertThrows(StreamException.class, call);
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.errorCode());
        assertEquals(1, e.streamId());
        assertEquals(message, e.getMessage());
    }
}
