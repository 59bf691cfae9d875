package dev.wisp.http2.hpack;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** The static table of RFC 7541 Appendix A: 61 fixed entries, indexes 1 to 61. Immutable, so thread-safe. */
final class StaticTable {
    /** The number of entries; the dynamic table's indexes start after it. */
    static final int LENGTH = 61;

    /** Index 0 is unused, as in the RFC: entry i is at [i]. */
    private static final String[][] ENTRIES = {
        null,
        {":authority", ""},
        {":method", "GET"},
        {":method", "POST"},
        {":path", "/"},
        {":path", "/index.html"},
        {":scheme", "http"},
        {":scheme", "https"},
        {":status", "200"},
        {":status", "204"},
        {":status", "206"},
        {":status", "304"},
        {":status", "400"},
        {":status", "404"},
        {":status", "500"},
        {"accept-charset", ""},
        {"accept-encoding", "gzip, deflate"},
        {"accept-language", ""},
        {"accept-ranges", ""},
        {"accept", ""},
        {"access-control-allow-origin", ""},
        {"age", ""},
        {"allow", ""},
        {"authorization", ""},
        {"cache-control", ""},
        {"content-disposition", ""},
        {"content-encoding", ""},
        {"content-language", ""},
        {"content-length", ""},
        {"content-location", ""},
        {"content-range", ""},
        {"content-type", ""},
        {"cookie", ""},
        {"date", ""},
        {"etag", ""},
        {"expect", ""},
        {"expires", ""},
        {"from", ""},
        {"host", ""},
        {"if-match", ""},
        {"if-modified-since", ""},
        {"if-none-match", ""},
        {"if-range", ""},
        {"if-unmodified-since", ""},
        {"last-modified", ""},
        {"link", ""},
        {"location", ""},
        {"max-forwards", ""},
        {"proxy-authenticate", ""},
        {"proxy-authorization", ""},
        {"range", ""},
        {"referer", ""},
        {"refresh", ""},
        {"retry-after", ""},
        {"server", ""},
        {"set-cookie", ""},
        {"strict-transport-security", ""},
        {"transfer-encoding", ""},
        {"user-agent", ""},
        {"vary", ""},
        {"via", ""},
        {"www-authenticate", ""},
    };

    /**
     * The indexes of the entries of each name, lowest first: a name has one to seven ({@code :status}), so a field is
     * found by its name's hash and a few comparisons of its value, with nothing built per lookup.
     */
    private static final Map<String, int[]> INDEXES_BY_NAME = new HashMap<>();

    static {
        for (int i = 1; i <= LENGTH; i++) {
            int[] known = INDEXES_BY_NAME.getOrDefault(ENTRIES[i][0], new int[0]);
            int[] more = Arrays.copyOf(known, known.length + 1);
            more[known.length] = i;
            INDEXES_BY_NAME.put(ENTRIES[i][0], more);
        }
    }

    private StaticTable() {
    }

    /** The name of entry {@code index}, 1 to {@link #LENGTH}. */
    static String name(int index) {
        return ENTRIES[index][0];
    }

    /** The value of entry {@code index}, 1 to {@link #LENGTH}. */
    static String value(int index) {
        return ENTRIES[index][1];
    }

    /** The index of the entry with this name and value, or 0. */
    static int indexOf(String name, String value) {
        int[] indexes = INDEXES_BY_NAME.get(name);
        if (indexes != null) {
            for (int index : indexes) {
                if (ENTRIES[index][1].equals(value)) {
                    return index;
                }
            }
        }
        return 0;
    }

    /** The lowest index of an entry with this name, or 0. */
    static int indexOfName(String name) {
        int[] indexes = INDEXES_BY_NAME.get(name);
        return indexes == null ? 0 : indexes[0];
    }
}
