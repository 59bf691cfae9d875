package dev.wisp.http2.hpack;

import static dev.wisp.http2.hpack.RfcExamplesTest.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the decoder: whatever bytes arrive, it returns fields within its limits or throws an
 * {@link HpackException}; no other exception escapes and nothing loops. And random header lists, under random table
 * size changes, come back from the decoder as the encoder was given them. A failure names the iteration and the exact
 * input, so it can be replayed as a unit test.
 *
 * <p>For a longer hunt: {@code -Dwisp.fuzz.iterations=1000000 -Dwisp.fuzz.seed=42} (the seed is added to each
 * test's own).
 */
class HpackFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("wisp.fuzz.iterations", 20_000);
    private static final long SEED = Long.getLong("wisp.fuzz.seed", 0);
    private static final Duration TIME_LIMIT = Duration.ofSeconds(30).multipliedBy(Math.max(1, ITERATIONS / 20_000));
    /** Small limits, so that mutations reach them. */
    private static final int MAX_LIST_SIZE = 1024;
    private static final int MAX_STRING_LENGTH = 200;

    private static final List<List<HpackField>> LISTS = List.of(
            fields(":method", "GET", ":scheme", "https", ":path", "/index.html", ":authority", "www.example.com",
                    "accept-encoding", "gzip, deflate", "user-agent", "wisp"),
            fields(":status", "302", "cache-control", "private", "date", "Mon, 21 Oct 2013 20:13:21 GMT",
                    "location", "https://www.example.com"),
            fields(":status", "200", "set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
                    "content-encoding", "gzip", "x-bytes", "\u0000\u007f\u0080\u00ff", "cookie", "a=b"),
            List.of(new HpackField("authorization", "Bearer abc"), new HpackField("x-secret", "s", true),
                    new HpackField("x-long", "x".repeat(150))));

    @Test
    void decoderOnlyReturnsFieldsWithinItsLimitsOrThrowsHpackExceptions() {
        Random random = new Random(0x5eed_7541L + SEED);
        List<byte[]> seeds = seedBlocks();
        assertTimeoutPreemptively(TIME_LIMIT, () -> {
            for (int i = 0; i < ITERATIONS; i++) {
                int first = random.nextInt(seeds.size());
                byte[] primer = seeds.get(first);
                byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
                HpackDecoder decoder = new HpackDecoder(MAX_LIST_SIZE, MAX_STRING_LENGTH);
                if (random.nextInt(4) == 0) {
                    decoder.applyTableSizeLimit(random.nextInt(5000));
                }
                try {
                    // A valid block first (or not, if the size update it needs was set above), so that mutated
                    // indexes can reach a filled dynamic table.
                    decoder.decode(primer);
                } catch (HpackException e) {
                    decoder = new HpackDecoder(MAX_LIST_SIZE, MAX_STRING_LENGTH);
                }
                try {
                    checkWithinLimits(decoder.decode(input));
                } catch (HpackException e) {
                    assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
                } catch (RuntimeException | AssertionError e) {
                    fail("iteration " + i + ": " + e + " for " + HexFormat.of().formatHex(input)
                            + " after " + HexFormat.of().formatHex(primer), e);
                }
            }
        });
    }

    @Test
    void randomHeaderListsSurviveARoundTripUnderTableSizeChanges() {
        Random random = new Random(0x5eed_7542L + SEED);
        assertTimeoutPreemptively(TIME_LIMIT, () -> {
            HpackEncoder encoder = new HpackEncoder(4096);
            HpackDecoder decoder = new HpackDecoder(1 << 20, 1 << 20);
            for (int i = 0; i < ITERATIONS / 10; i++) {
                while (random.nextInt(4) == 0) {
                    int size = random.nextInt(5000);
                    encoder.applyTableSizeLimit(size);
                    decoder.applyTableSizeLimit(size);
                }
                List<HpackField> fields = randomFields(random);
                byte[] block = encoder.encode(fields);
                List<HpackField> decoded = decoder.decode(block);
                for (int f = 0; f < fields.size(); f++) {
                    HpackField sent = fields.get(f);
                    assertEquals(sent.name(), decoded.get(f).name(), "iteration " + i);
                    assertEquals(sent.value(), decoded.get(f).value(), "iteration " + i);
                    assertTrue(!sent.sensitive() || decoded.get(f).sensitive(), "iteration " + i);
                }
                assertEquals(fields.size(), decoded.size(), "iteration " + i);
                HpackStoriesTest.assertSameTables(encoder.table(), decoder.table());
            }
        });
    }

    private static void checkWithinLimits(List<HpackField> fields) {
        long size = 0;
        for (HpackField field : fields) {
            assertTrue(field.name().length() <= MAX_STRING_LENGTH && field.value().length() <= MAX_STRING_LENGTH);
            size += field.size();
        }
        assertTrue(size <= MAX_LIST_SIZE, "list size " + size);
    }

    /** Valid blocks: each list encoded alone, and each after another, so that it refers to the dynamic table. */
    private static List<byte[]> seedBlocks() {
        List<byte[]> seeds = new ArrayList<>();
        for (List<HpackField> first : LISTS) {
            for (List<HpackField> second : LISTS) {
                HpackEncoder encoder = new HpackEncoder(4096);
                seeds.add(encoder.encode(first));
                seeds.add(encoder.encode(second));
            }
        }
        return seeds;
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] input = seed.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && input.length > 0; m++) {
            int at = random.nextInt(input.length);
            switch (random.nextInt(7)) {
                case 0 -> input[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> input[at] = (byte) random.nextInt(256);
                case 2 -> input[at] = (byte) new int[] {0x00, 0x0f, 0x10, 0x1f, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0xff}
                        [random.nextInt(10)];
                case 3 -> input = Arrays.copyOf(input, at);
                case 4 -> {
                    byte[] longer = new byte[input.length + 1];
                    System.arraycopy(input, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(input, at, longer, at + 1, input.length - at);
                    input = longer;
                }
                case 5 -> {
                    byte[] shorter = new byte[input.length - 1];
                    System.arraycopy(input, 0, shorter, 0, at);
                    System.arraycopy(input, at + 1, shorter, at, input.length - at - 1);
                    input = shorter;
                }
                default -> {
                    int length = Math.min(input.length - at, 1 + random.nextInt(8));
                    byte[] doubled = Arrays.copyOf(input, input.length + length);
                    System.arraycopy(input, at, doubled, at + length, input.length - at);
                    input = doubled;
                }
            }
        }
        return input;
    }

    private static List<HpackField> randomFields(Random random) {
        List<HpackField> fields = new ArrayList<>();
        int count = random.nextInt(12);
        for (int i = 0; i < count; i++) {
            if (random.nextInt(3) == 0) {
                List<HpackField> list = LISTS.get(random.nextInt(LISTS.size()));
                fields.add(list.get(random.nextInt(list.size())));
                continue;
            }
            // Few distinct short names and values, so that the tables get hits; long random text, so they evict.
            String name = random.nextInt(3) == 0 ? "x-" + random.nextInt(20)
                    : randomText(random, 1 + random.nextInt(12));
            String value = random.nextInt(3) == 0 ? "v" + random.nextInt(10)
                    : randomText(random, random.nextInt(300));
            fields.add(new HpackField(name, value, random.nextInt(10) == 0));
        }
        return fields;
    }

    private static String randomText(Random random, int length) {
        char[] text = new char[length];
        for (int i = 0; i < length; i++) {
            text[i] = (char) (random.nextInt(4) == 0 ? random.nextInt(256) : 'a' + random.nextInt(26));
        }
        return new String(text);
    }
}
