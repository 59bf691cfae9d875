package dev.wisp.http2.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hpack-test-case corpus: we decode what four other encoders produced, and decode back what our encoder makes
 * of the raw stories, with the dynamic tables of both sides compared after every block.
 */
class HpackStoriesTest {
    /** Limits well above the corpus, which holds values of a few KiB. */
    private static final int LIMIT = 1 << 20;
    /** Table sizes the round trip cycles through, as SETTINGS_HEADER_TABLE_SIZE changes would. */
    private static final int[] TABLE_SIZES = {4096, 256, 0, 8192, 1024, 1024, 100, 4096};

    static Stream<Story> encodedStories() {
        return Story.ENCODED.stream().flatMap(folder -> Story.load(folder).stream());
    }

    static Stream<Story> rawStories() {
        return Story.load("raw-data").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodedStories")
    void decodesEveryBlockOfOtherEncoders(Story story) throws HpackException {
        HpackDecoder decoder = new HpackDecoder(LIMIT, LIMIT);
        int blockNumber = 0;
        for (Story.Case block : story.cases()) {
            if (block.tableSize() >= 0) {
                decoder.applyTableSizeLimit(block.tableSize());
            }
            assertEquals(block.headers(), plain(decoder.decode(block.wire())), story + " block " + blockNumber++);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawStories")
    void decodesWhatItEncodes(Story story) throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(LIMIT, LIMIT);
        for (Story.Case block : story.cases()) {
            assertEquals(block.headers(), plain(decoder.decode(encoder.encode(block.headers()))), story.toString());
            assertSameTables(encoder.table(), decoder.table());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawStories")
    void decodesWhatItEncodesWhileTheTableSizeChanges(Story story) throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(LIMIT, LIMIT);
        int blockNumber = 0;
        for (Story.Case block : story.cases()) {
            int size = TABLE_SIZES[blockNumber % TABLE_SIZES.length];
            // Before every other block the size first drops to an eighth, which evicts more than the final size.
            if (blockNumber++ % 2 == 1) {
                encoder.applyTableSizeLimit(size / 8);
                decoder.applyTableSizeLimit(size / 8);
            }
            encoder.applyTableSizeLimit(size);
            decoder.applyTableSizeLimit(size);
            assertEquals(block.headers(), plain(decoder.decode(encoder.encode(block.headers()))), story.toString());
            assertSameTables(encoder.table(), decoder.table());
        }
    }

    /** Every prefix of a story's first block decodes to a prefix of its fields, or fails as truncated. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("encodedStories")
    void truncatedBlocksDecodeAPrefixOrFailAsTruncated(Story story) throws HpackException {
        Story.Case block = story.cases().getFirst();
        for (int length = 0; length < block.wire().length; length++) {
            HpackDecoder decoder = new HpackDecoder(LIMIT, LIMIT);
            if (block.tableSize() >= 0) {
                decoder.applyTableSizeLimit(block.tableSize());
            }
            byte[] prefix = Arrays.copyOf(block.wire(), length);
            List<HpackField> decoded;
            try {
                decoded = plain(decoder.decode(prefix));
            } catch (HpackException e) {
                if (e.reason() == HpackException.Reason.MISSING_TABLE_SIZE_UPDATE && length == 0) {
                    continue;
                }
                assertEquals(HpackException.Reason.TRUNCATED, e.reason(), story + " cut at " + length);
                continue;
            }
            assertEquals(block.headers().subList(0, decoded.size()), decoded, story + " cut at " + length);
        }
    }

    /** The fields without the never-indexed mark, which the corpus does not record. */
    static List<HpackField> plain(List<HpackField> fields) {
        List<HpackField> plain = new ArrayList<>(fields.size());
        for (HpackField field : fields) {
            plain.add(new HpackField(field.name(), field.value()));
        }
        return plain;
    }

    static void assertSameTables(DynamicTable expected, DynamicTable actual) {
        assertEquals(expected.maxSize(), actual.maxSize(), "table maximum size");
        assertEquals(expected.size(), actual.size(), "table size");
        assertEquals(expected.length(), actual.length(), "table length");
        for (int index = 1; index <= expected.length(); index++) {
            assertEquals(expected.name(index), actual.name(index), "name at " + index);
            assertEquals(expected.value(index), actual.value(index), "value at " + index);
        }
    }
}
