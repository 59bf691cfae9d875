package dev.wisp.http2.hpack;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Encodes header lists into HPACK header blocks (RFC 7541). For each field, in order of preference:
 * <ol>
 * <li>a sensitive field (marked by the caller, {@code authorization}, {@code proxy-authorization}, or a
 *     {@code cookie} value shorter than 20 bytes, RFC 7541 §7.1.3) is a never-indexed literal, its name indexed
 *     where a table has it;</li>
 * <li>a field the static or dynamic table holds exactly is an indexed field;</li>
 * <li>a field larger than the whole dynamic table is a literal without indexing (adding it would only empty the
 *     table, §4.4);</li>
 * <li>any other field is a literal with incremental indexing, its name indexed where a table has it.</li>
 * </ol>
 * Each string is Huffman-coded when that is shorter. Names go out as given: HTTP/2 wants them lowercase (RFC 9113
 * §8.2.1), which is the caller's business.
 *
 * <p>The dynamic table is at most {@code maxTableSize} (our memory bound, chosen at construction) and at most the
 * peer's SETTINGS_HEADER_TABLE_SIZE ({@link #applyTableSizeLimit(int)}); when that bound changes between blocks,
 * the next block starts with size updates for the smallest size reached and then the new size (§4.2).
 *
 * <p>Not thread-safe: one encoder per connection, used under the connection's frame-writing lock, since blocks must
 * reach the peer in the order they were encoded.
 */
public final class HpackEncoder {
    /** RFC 7541 §7.1.3: a short cookie value is easy to guess by its compressed size. */
    private static final int SHORT_COOKIE_LENGTH = 20;

    private final int maxTableSize;
    private final DynamicTable table;
    /** The peer's limit; the table uses {@code min(maxTableSize, peerLimit)}. */
    private int peerLimit = 4096;
    /** The smallest table size reached since the last block, or -1 if the size has not changed. */
    private int lowestPendingSize = -1;

    private byte[] out = new byte[256];
    private int count;

    /**
     * @param maxTableSize the largest dynamic table this encoder keeps, whatever the peer allows; 4,096 is HTTP/2's
     *        default and a table of at most {@code maxTableSize / 32} entries, searched in full for each field
     * @throws IllegalArgumentException if {@code maxTableSize} is negative
     */
    public HpackEncoder(int maxTableSize) {
        if (maxTableSize < 0) {
            throw new IllegalArgumentException("maxTableSize must not be negative: " + maxTableSize);
        }
        this.maxTableSize = maxTableSize;
        this.table = new DynamicTable(peerLimit);
        // RFC 7541 §4.2: a table smaller than the 4,096 the peer starts from is announced in the first block.
        if (maxTableSize < peerLimit) {
            lowestPendingSize = maxTableSize;
        }
    }

    /**
     * Applies the peer's SETTINGS_HEADER_TABLE_SIZE, as we acknowledge it. The next block starts with the size
     * updates this makes necessary.
     *
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public void applyTableSizeLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("table size limit must not be negative: " + limit);
        }
        peerLimit = limit;
        int size = Math.min(maxTableSize, limit);
        if (lowestPendingSize >= 0 || size != table.maxSize()) {
            lowestPendingSize = lowestPendingSize < 0 ? size : Math.min(lowestPendingSize, size);
        }
    }

    /**
     * Encodes one header list as one header block.
     *
     * @throws IllegalArgumentException if a name or value holds a char above 255
     */
    public byte[] encode(List<HpackField> fields) {
        Objects.requireNonNull(fields, "fields");
        count = 0;
        writeSizeUpdates();
        for (HpackField field : fields) {
            writeField(field);
        }
        return Arrays.copyOf(out, count);
    }

    /** The dynamic table, for tests. */
    DynamicTable table() {
        return table;
    }

    private void writeSizeUpdates() {
        if (lowestPendingSize < 0) {
            return;
        }
        int size = Math.min(maxTableSize, peerLimit);
        // RFC 7541 §4.2: the smallest size reached, then the final one, so the peer evicts what it would have.
        if (lowestPendingSize < size) {
            writeInteger(0x20, 5, lowestPendingSize);
            table.setMaxSize(lowestPendingSize);
        }
        writeInteger(0x20, 5, size);
        table.setMaxSize(size);
        lowestPendingSize = -1;
    }

    private void writeField(HpackField field) {
        String name = field.name();
        String value = field.value();
        int nameIndex = nameIndex(name);
        if (isSensitive(field)) {
            writeLiteral(0x10, 4, nameIndex, field);
            return;
        }
        int index = StaticTable.indexOf(name, value);
        if (index == 0) {
            int dynamic = table.indexOf(name, value);
            index = dynamic == 0 ? 0 : StaticTable.LENGTH + dynamic;
        }
        if (index != 0) {
            writeInteger(0x80, 7, index);
        } else if (DynamicTable.entrySize(name, value) > table.maxSize()) {
            writeLiteral(0x00, 4, nameIndex, field);
        } else {
            writeLiteral(0x40, 6, nameIndex, field);
            table.add(name, value);
        }
    }

    private static boolean isSensitive(HpackField field) {
        return field.sensitive()
                || field.name().equals("authorization")
                || field.name().equals("proxy-authorization")
                || (field.name().equals("cookie") && field.value().length() < SHORT_COOKIE_LENGTH);
    }

    /** The static index of the name, else its dynamic one, else 0. */
    private int nameIndex(String name) {
        int index = StaticTable.indexOfName(name);
        if (index == 0) {
            int dynamic = table.indexOfName(name);
            index = dynamic == 0 ? 0 : StaticTable.LENGTH + dynamic;
        }
        return index;
    }

    /**
     * Writes a field whose value goes as a string, after checking that its strings are bytes: before anything of it
     * is written or added to the table. A field found whole in a table needs no check: its strings are the entry's.
     */
    private void writeLiteral(int pattern, int prefixBits, int nameIndex, HpackField field) {
        if (nameIndex == 0) {
            checkLatin1(field.name(), field);
        }
        checkLatin1(field.value(), field);
        writeInteger(pattern, prefixBits, nameIndex);
        if (nameIndex == 0) {
            writeString(field.name());
        }
        writeString(field.value());
    }

    /** RFC 7541 §5.1: the value in the low {@code prefixBits} of a byte whose high bits are {@code pattern}. */
    void writeInteger(int pattern, int prefixBits, int value) {
        int mask = (1 << prefixBits) - 1;
        ensureRoom(6);
        if (value < mask) {
            out[count++] = (byte) (pattern | value);
            return;
        }
        out[count++] = (byte) (pattern | mask);
        int rest = value - mask;
        while (rest >= 0x80) {
            out[count++] = (byte) (0x80 | (rest & 0x7F));
            rest >>>= 7;
        }
        out[count++] = (byte) rest;
    }

    /** RFC 7541 §5.2: Huffman-coded if that is shorter, else as is. */
    private void writeString(String text) {
        long huffmanLength = Huffman.encodedLength(text);
        if (huffmanLength < text.length()) {
            writeInteger(0x80, 7, (int) huffmanLength);
            ensureRoom((int) huffmanLength);
            Huffman.encode(text, out, count);
            count += (int) huffmanLength;
        } else {
            writeInteger(0x00, 7, text.length());
            ensureRoom(text.length());
            for (int i = 0; i < text.length(); i++) {
                out[count++] = (byte) text.charAt(i);
            }
        }
    }

    private void ensureRoom(int bytes) {
        if (out.length - count < bytes) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, count + bytes));
        }
    }

    /** The bytes written since the last block began, for tests. */
    byte[] written() {
        return Arrays.copyOf(out, count);
    }

    private static void checkLatin1(String text, HpackField field) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xFF) {
                throw new IllegalArgumentException("field " + field.name() + " holds char U+"
                        + Integer.toHexString(text.charAt(i)) + ", above 255; HPACK carries bytes");
            }
        }
    }
}
