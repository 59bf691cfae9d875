package dev.wisp.core;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The field names a message's {@code Connection} fields list (RFC 9110 §7.6.1): fields of the connection, not of
 * the message, which a proxy or an HTTP/2 sender leaves out with {@code Connection} itself. Stateless.
 */
public final class ConnectionOptions {
    private ConnectionOptions() {
    }

    /** The names listed, lowercase; empty without a {@code Connection} field. */
    public static Set<String> of(Headers headers) {
        List<String> names = headers.elements(HeaderNames.CONNECTION);
        if (names.isEmpty()) {
            return Set.of();
        }
        Set<String> lowerCase = new HashSet<>();
        for (String name : names) {
            lowerCase.add(Ascii.toLowerCase(name));
        }
        return lowerCase;
    }

    /**
     * The fields without those named in {@code removed} (lowercase) and those a {@code Connection} among them names;
     * the others in their order.
     */
    public static Headers removeWithNamed(Headers headers, Set<String> removed) {
        Set<String> named = of(headers);
        Headers.Builder kept = Headers.builder();
        for (int i = 0; i < headers.size(); i++) {
            String name = Ascii.toLowerCase(headers.name(i));
            if (!removed.contains(name) && !named.contains(name)) {
                kept.add(headers.name(i), headers.value(i));
            }
        }
        return kept.build();
    }
}
