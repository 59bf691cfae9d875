package dev.wisp.http2.hpack;

/**
 * The dynamic table of RFC 7541 §2.3.2 and §4: a FIFO of name and value pairs, newest first, whose size (the sum of
 * name + value + 32 over its entries, §4.1) stays within a maximum; adding an entry evicts the oldest ones until it
 * fits, and an entry larger than the maximum empties the table and is not added (§4.4). Relative index 1 is the
 * newest entry; the codec adds {@link StaticTable#LENGTH} to make the HPACK index.
 *
 * <p>Not thread-safe: each encoder and decoder owns one.
 */
final class DynamicTable {
    /** A ring buffer: entry {@code i} (0 = oldest) is at {@code (first + i) % names.length}. */
    private String[] names = new String[8];
    private String[] values = new String[8];
    private int first;
    private int length;
    private long size;
    private int maxSize;

    DynamicTable(int maxSize) {
        this.maxSize = maxSize;
    }

    /** The number of entries. */
    int length() {
        return length;
    }

    /** The sum of the entries' sizes. */
    long size() {
        return size;
    }

    int maxSize() {
        return maxSize;
    }

    /** Sets the maximum size, evicting the oldest entries until the table fits (RFC 7541 §4.3). */
    void setMaxSize(int maxSize) {
        this.maxSize = maxSize;
        evictUntil(maxSize);
    }

    /** Adds an entry as the newest, evicting the oldest ones to make room (RFC 7541 §4.4). */
    void add(String name, String value) {
        long entrySize = entrySize(name, value);
        if (entrySize > maxSize) {
            evictUntil(0);
            return;
        }
        evictUntil(maxSize - entrySize);
        if (length == names.length) {
            grow();
        }
        int slot = (first + length) % names.length;
        names[slot] = name;
        values[slot] = value;
        length++;
        size += entrySize;
    }

    /** The name of the entry at {@code index}, 1 (newest) to {@link #length()}. */
    String name(int index) {
        return names[slot(index)];
    }

    /** The value of the entry at {@code index}, 1 (newest) to {@link #length()}. */
    String value(int index) {
        return values[slot(index)];
    }

    /** The index of the newest entry with this name and value, or 0. */
    int indexOf(String name, String value) {
        int nameHash = name.hashCode(); // strings keep their hash: an int compared per entry before any equals
        int valueHash = value.hashCode();
        for (int index = 1; index <= length; index++) {
            int slot = slot(index);
            if (names[slot].hashCode() == nameHash && values[slot].hashCode() == valueHash
                    && names[slot].equals(name) && values[slot].equals(value)) {
                return index;
            }
        }
        return 0;
    }

    /** The index of the newest entry with this name, or 0. */
    int indexOfName(String name) {
        int nameHash = name.hashCode();
        for (int index = 1; index <= length; index++) {
            String entry = names[slot(index)];
            if (entry.hashCode() == nameHash && entry.equals(name)) {
                return index;
            }
        }
        return 0;
    }

    static long entrySize(String name, String value) {
        return (long) name.length() + value.length() + 32;
    }

    private int slot(int index) {
        return (first + length - index) % names.length;
    }

    private void evictUntil(long target) {
        while (size > target) {
            size -= entrySize(names[first], values[first]);
            names[first] = null;
            values[first] = null;
            first = (first + 1) % names.length;
            length--;
        }
    }

    /** Doubles the ring; a table holds at most maxSize / 32 entries, so this stops there. */
    private void grow() {
        String[] newNames = new String[names.length * 2];
        String[] newValues = new String[names.length * 2];
        for (int i = 0; i < length; i++) {
            newNames[i] = names[(first + i) % names.length];
            newValues[i] = values[(first + i) % names.length];
        }
        names = newNames;
        values = newValues;
        first = 0;
    }
}
