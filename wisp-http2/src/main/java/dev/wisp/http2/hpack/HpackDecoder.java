package dev.wisp.http2.hpack;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import dev.wisp.http2.hpack.HpackException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decodes HPACK header blocks (RFC 7541), strictly: every malformed block, and every block that crosses a limit, is
 * refused with an {@link HpackException} that names what was wrong. HTTP/2 gathers a HEADERS or PUSH_PROMISE frame
 * and its CONTINUATION frames into one block (bounding those bytes is its own limit) and hands it to
 * {@link #decode(byte[], int, int)}.
 *
 * <p>The decoder does not validate fields: names and values come back as decoded, one char per byte. HTTP/2's rules
 * (lowercase names, pseudo-headers first, no connection-specific fields; RFC 9113 §8.2) belong to the HTTP/2 layer.
 *
 * <table class="striped">
 * <caption>Limits</caption>
 * <tr><th>limit</th><th>set by</th><th>when crossed</th></tr>
 * <tr><td>{@code maxHeaderListSize}</td><td>constructor; advertise it as SETTINGS_MAX_HEADER_LIST_SIZE</td>
 *     <td>the sum of name + value + 32 over the block's fields passes it: {@link Reason#HEADER_LIST_TOO_LARGE},
 *     checked before each field is made, so a small block that references one large entry many times (an "HPACK
 *     bomb") is refused before it allocates</td></tr>
 * <tr><td>{@code maxStringLength}</td><td>constructor</td>
 *     <td>a name or value, raw or decoded from Huffman, is longer: {@link Reason#STRING_TOO_LONG}, before the string
 *     is made</td></tr>
 * <tr><td>table size limit</td><td>{@link #applyTableSizeLimit(int)} on the ACK of our SETTINGS_HEADER_TABLE_SIZE;
 *     4,096 until then</td><td>a dynamic table size update above it: {@link Reason#INVALID_TABLE_SIZE_UPDATE}</td></tr>
 * </table>
 *
 * <p>A block that crosses a limit ({@link Reason#HEADER_LIST_TOO_LARGE}, {@link Reason#STRING_TOO_LONG}) is still
 * read to its end, its fields dropped as they come (references to the tables cost nothing, literals no more than the
 * block's own bytes), so that the dynamic table stays the peer's: the exception comes after, and the decoder goes on
 * with the next block. HTTP/2 then refuses the one request (431) and keeps the connection.
 *
 * <p>Not thread-safe: one decoder per connection, used by the connection's reader. After a block fails otherwise,
 * the peer's dynamic table and ours may differ, so the decoder refuses further use with
 * {@link IllegalStateException}; HTTP/2 ends the connection with COMPRESSION_ERROR.
 */
public final class HpackDecoder {
    /** RFC 7541 §5.1: a value that fits in 31 bits needs at most 5 bytes after the prefix, whatever the prefix. */
    private static final int MAX_CONTINUATION_BYTES = 5;

    private final int maxHeaderListSize;
    private final int maxStringLength;
    private final DynamicTable table = new DynamicTable(4096);
    /** The largest dynamic table size the encoder may choose: our acknowledged SETTINGS_HEADER_TABLE_SIZE. */
    private int tableSizeLimit = 4096;
    /**
     * The lowest limit since the last block, when it went below the table's size: the next block must start with a
     * size update no larger than it (RFC 7541 §4.2). -1 when no update is owed.
     */
    private int owedUpdateLimit = -1;
    private boolean failed;
    /** Holds Huffman-decoded bytes until they become a string; grows up to maxStringLength. */
    private byte[] scratch = new byte[64];

    /** The first limit the block being read crossed; its fields are dropped from there on. */
    private HpackException overLimit;
    private byte[] block;
    private int blockStart;
    private int position;
    private int end;
    /** Where the representation being read starts, for error messages. */
    private int fieldStart;

    /**
     * @param maxHeaderListSize the largest sum of name + value + 32 over one block's fields
     * @param maxStringLength the longest name or value
     * @throws IllegalArgumentException if a limit is not positive
     */
    public HpackDecoder(int maxHeaderListSize, int maxStringLength) {
        if (maxHeaderListSize <= 0) {
            throw new IllegalArgumentException("maxHeaderListSize must be positive: " + maxHeaderListSize);
        }
        if (maxStringLength <= 0) {
            throw new IllegalArgumentException("maxStringLength must be positive: " + maxStringLength);
        }
        this.maxHeaderListSize = maxHeaderListSize;
        this.maxStringLength = maxStringLength;
    }

    /**
     * Applies our SETTINGS_HEADER_TABLE_SIZE once the peer acknowledged it. If it is below the size of the table the
     * peer's encoder uses now, the next block must start with a dynamic table size update within it (RFC 7541 §4.2).
     *
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public void applyTableSizeLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("table size limit must not be negative: " + limit);
        }
        if (limit < table.maxSize()) {
            owedUpdateLimit = owedUpdateLimit < 0 ? limit : Math.min(owedUpdateLimit, limit);
        }
        tableSizeLimit = limit;
    }

    /** Decodes a whole header block. */
    public List<HpackField> decode(byte[] block) throws HpackException {
        return decode(block, 0, block.length);
    }

    /**
     * Decodes a whole header block: {@code length} bytes of {@code block} from {@code offset}.
     *
     * @return the fields in block order, never-indexed ones marked {@link HpackField#sensitive()}
     * @throws HpackException if the block is malformed or crosses a limit, its message ending with the offset in the
     *         block of the field or size update at fault; the decoder is then unusable
     * @throws IllegalStateException if an earlier block failed
     */
    public List<HpackField> decode(byte[] block, int offset, int length) throws HpackException {
        Objects.checkFromIndexSize(offset, length, block.length);
        if (failed) {
            throw new IllegalStateException("an earlier header block failed to decode; the decoder is unusable");
        }
        this.block = block;
        this.blockStart = offset;
        this.position = offset;
        this.end = offset + length;
        this.fieldStart = offset;
        this.overLimit = null;
        List<HpackField> fields;
        try {
            fields = readFields();
        } catch (HpackException e) {
            failed = true;
            throw located(e);
        } finally {
            this.block = null;
        }
        if (overLimit != null) {
            throw overLimit; // the block was read whole: the tables are right, and the decoder goes on
        }
        return fields;
    }

    private HpackException located(HpackException e) {
        return new HpackException(e.reason(), e.getMessage() + " (at byte " + (fieldStart - blockStart) + ")");
    }

    /** Notes a limit crossed, for the end of the block; from here on the block's fields are dropped. */
    private void crossed(HpackException e) {
        if (overLimit == null) {
            overLimit = located(e);
        }
    }

    /** Reads one integer from the start of {@code bytes}, for tests. */
    int readInteger(byte[] bytes, int prefixBits) throws HpackException {
        block = bytes;
        position = 0;
        end = bytes.length;
        return readInteger(prefixBits);
    }

    /** The dynamic table, for tests. */
    DynamicTable table() {
        return table;
    }

    private List<HpackField> readFields() throws HpackException {
        List<HpackField> fields = new ArrayList<>();
        long listSize = 0;
        boolean sizeUpdateAllowed = true;
        if (owedUpdateLimit >= 0 && (position == end || (block[position] & 0xE0) != 0x20)) {
            throw new HpackException(Reason.MISSING_TABLE_SIZE_UPDATE, "header block does not start with the"
                    + " dynamic table size update owed since the limit fell to " + owedUpdateLimit);
        }
        while (position < end) {
            fieldStart = position;
            int first = block[position] & 0xFF;
            HpackField field;
            if ((first & 0x80) != 0) {
                field = readIndexed();
            } else if ((first & 0x40) != 0) {
                field = readLiteral(6, false, listSize);
                table.add(field.name(), field.value());
            } else if ((first & 0x20) != 0) {
                if (!sizeUpdateAllowed) {
                    throw new HpackException(Reason.INVALID_TABLE_SIZE_UPDATE,
                            "dynamic table size update after a header field");
                }
                readSizeUpdate();
                continue;
            } else {
                field = readLiteral(4, (first & 0x10) != 0, listSize);
            }
            sizeUpdateAllowed = false;
            if (overLimit != null) {
                continue;
            }
            listSize += field.size();
            if (listSize > maxHeaderListSize) {
                crossed(listTooLarge(listSize));
                fields = List.of();
                continue;
            }
            fields.add(field);
        }
        return fields;
    }

    /*
     * Indexed header field (RFC 7541 §6.1):
     *   0   1   2   3   4   5   6   7
     * +---+---+---+---+---+---+---+---+
     * | 1 |        Index (7+)         |
     * +---+---------------------------+
     * The list size is checked by the caller before the field is kept; the strings are shared with the table.
     */
    private HpackField readIndexed() throws HpackException {
        int index = readInteger(7);
        return new HpackField(name(index), value(index));
    }

    /*
     * Literal header field (RFC 7541 §6.2), with incremental indexing (01, 6-bit index), without indexing (0000,
     * 4-bit) or never indexed (0001, 4-bit):
     *   0   1   2   3   4   5   6   7
     * +---+---+---+---+---+---+---+---+
     * | 0 | 1 |      Index (6+)       |     index 0: a literal name follows
     * +---+---+-----------------------+
     * | H |     Value Length (7+)     |
     * +---+---------------------------+
     * | Value String (Length octets)  |
     * +-------------------------------+
     */
    private HpackField readLiteral(int prefixBits, boolean neverIndexed, long listSize) throws HpackException {
        int index = readInteger(prefixBits);
        String name = index == 0 ? readString(listSize) : name(index);
        String value = readString(listSize + name.length());
        return new HpackField(name, value, neverIndexed);
    }

    /*
     * Dynamic table size update (RFC 7541 §6.3), only at the start of a block (§4.2):
     *   0   1   2   3   4   5   6   7
     * +---+---+---+---+---+---+---+---+
     * | 0 | 0 | 1 |   Max size (5+)   |
     * +---+---------------------------+
     */
    private void readSizeUpdate() throws HpackException {
        int size = readInteger(5);
        int limit = owedUpdateLimit >= 0 ? owedUpdateLimit : tableSizeLimit;
        if (size > limit) {
            throw new HpackException(Reason.INVALID_TABLE_SIZE_UPDATE,
                    "dynamic table size update to " + size + " exceeds the acknowledged limit " + limit);
        }
        owedUpdateLimit = -1;
        table.setMaxSize(size);
    }

    private String name(int index) throws HpackException {
        return index <= StaticTable.LENGTH ? StaticTable.name(checkIndex(index)) : table.name(checkIndex(index)
                - StaticTable.LENGTH);
    }

    private String value(int index) throws HpackException {
        return index <= StaticTable.LENGTH ? StaticTable.value(checkIndex(index)) : table.value(checkIndex(index)
                - StaticTable.LENGTH);
    }

    private int checkIndex(int index) throws HpackException {
        if (index == 0 || index > StaticTable.LENGTH + table.length()) {
            throw new HpackException(Reason.INVALID_INDEX, "index " + index + " is not in the static table (1-"
                    + StaticTable.LENGTH + ") nor the dynamic table (" + table.length() + " entries)");
        }
        return index;
    }

    /*
     * Integer with an N-bit prefix (RFC 7541 §5.1): the prefix holds the value if it is below 2^N - 1; otherwise
     * continuation bytes add 7 bits each, least significant first, while their top bit is set.
     */
    private int readInteger(int prefixBits) throws HpackException {
        int mask = (1 << prefixBits) - 1;
        int value = block[position++] & mask;
        if (value < mask) {
            return value;
        }
        long sum = value;
        for (int i = 0; i < MAX_CONTINUATION_BYTES; i++) {
            if (position == end) {
                throw truncated("an integer");
            }
            int octet = block[position++];
            sum += (long) (octet & 0x7F) << (7 * i);
            if (sum > Integer.MAX_VALUE) {
                throw new HpackException(Reason.INTEGER_OVERFLOW, "integer exceeds " + Integer.MAX_VALUE);
            }
            if ((octet & 0x80) == 0) {
                return (int) sum;
            }
        }
        throw new HpackException(Reason.INTEGER_OVERFLOW,
                "integer has more than " + MAX_CONTINUATION_BYTES + " continuation bytes");
    }

    /*
     * String literal (RFC 7541 §5.2):
     *   0   1   2   3   4   5   6   7
     * +---+---+---+---+---+---+---+---+
     * | H |    String Length (7+)     |
     * +---+---------------------------+
     * |  String Data (Length octets)  |
     * +-------------------------------+
     * listSize is what the field's list already counts, so a raw string that would pass maxHeaderListSize is refused
     * before it is made.
     */
    private String readString(long listSize) throws HpackException {
        if (position == end) {
            throw truncated("a string");
        }
        boolean huffman = (block[position] & 0x80) != 0;
        int length = readInteger(7);
        if (length > end - position) {
            throw new HpackException(Reason.TRUNCATED, "string length " + length + " exceeds the "
                    + (end - position) + " bytes left in the header block");
        }
        if (!huffman) {
            checkStringLength(length);
            checkListSize(listSize + length);
            String text = new String(block, position, length, ISO_8859_1);
            position += length;
            return text;
        }
        // Past a limit, a string is still decoded, for the dynamic table: no longer than the block allows.
        int maxLength = overLimit == null ? maxStringLength : Huffman.maxDecodedLength(length);
        int room = Math.min(maxLength, Huffman.maxDecodedLength(length));
        if (scratch.length < room) {
            scratch = new byte[Math.max(room, Math.min(maxLength, scratch.length * 2))];
        }
        int decoded;
        try {
            decoded = Huffman.decode(block, position, length, scratch, maxLength);
        } catch (HpackException e) {
            if (e.reason() != Reason.STRING_TOO_LONG) {
                throw e;
            }
            crossed(e);
            maxLength = Huffman.maxDecodedLength(length);
            if (scratch.length < maxLength) {
                scratch = new byte[maxLength];
            }
            decoded = Huffman.decode(block, position, length, scratch, maxLength);
        }
        position += length;
        checkListSize(listSize + decoded);
        return new String(scratch, 0, decoded, ISO_8859_1);
    }

    private void checkStringLength(int length) {
        if (length > maxStringLength && overLimit == null) {
            crossed(new HpackException(Reason.STRING_TOO_LONG,
                    "string of " + length + " bytes exceeds " + maxStringLength + " bytes (maxStringLength)"));
        }
    }

    /** Checks the list size a field would bring the block to, counting its 32 bytes of overhead. */
    private void checkListSize(long withoutOverhead) {
        if (withoutOverhead + 32 > maxHeaderListSize && overLimit == null) {
            crossed(listTooLarge(withoutOverhead + 32));
        }
    }

    private HpackException listTooLarge(long size) {
        return new HpackException(Reason.HEADER_LIST_TOO_LARGE, "header list of at least " + size
                + " bytes exceeds " + maxHeaderListSize + " bytes (maxHeaderListSize)");
    }

    private static HpackException truncated(String what) {
        return new HpackException(Reason.TRUNCATED, "header block ends inside " + what);
    }
}
