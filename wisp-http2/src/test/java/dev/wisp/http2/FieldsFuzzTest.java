package dev.wisp.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wisp.core.Headers;
import dev.wisp.core.RequestHead;
import dev.wisp.core.ResponseHead;
import dev.wisp.http2.hpack.HpackField;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the field-section decoders: whatever field list arrives, {@link RequestFields},
 * {@link ResponseFields} and {@link TrailerFields} return a head or throw a {@link StreamException} with
 * PROTOCOL_ERROR on the stream given; no other exception escapes. What they accept, encoded again and decoded, comes
 * back the same. The lists are valid ones with a few fields added, removed, moved or changed, from a vocabulary of
 * names and values near the rules' edges. A failure names the iteration and the exact list, to replay as a unit test.
 *
 * <p>For a longer hunt: {@code -Dwisp.fuzz.iterations=1000000 -Dwisp.fuzz.seed=42} (the seed is added to each
 * test's own).
 */
class FieldsFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("wisp.fuzz.iterations", 20_000);
    private static final long SEED = Long.getLong("wisp.fuzz.seed", 0);
    private static final Duration TIME_LIMIT = Duration.ofSeconds(30).multipliedBy(Math.max(1, ITERATIONS / 20_000));
    private static final int STREAM = 5;

    private static final List<List<HpackField>> VALID = List.of(
            FieldLists.of(":method", "GET", ":scheme", "https", ":authority", "example.com", ":path", "/a/b?c=d",
                    "accept", "*/*", "cookie", "a=1", "cookie", "b=2"),
            FieldLists.of(":method", "POST", ":path", "/", ":scheme", "http", "host", "example.com:80",
                    "content-length", "5", "te", "trailers"),
            FieldLists.of(":method", "CONNECT", ":authority", "example.com:443"),
            FieldLists.of(":method", "CONNECT", ":protocol", "websocket", ":scheme", "https", ":path", "/chat",
                    ":authority", "example.com", "sec-websocket-version", "13"),
            FieldLists.of(":method", "OPTIONS", ":scheme", "https", ":authority", "example.com", ":path", "*"),
            FieldLists.of(":status", "200", "content-type", "text/plain", "content-length", "12"),
            FieldLists.of(":status", "103", "link", "</a.css>"),
            FieldLists.of("grpc-status", "0", "x-checksum", "abc"));
    private static final String[] NAMES = {
        ":method", ":scheme", ":authority", ":path", ":protocol", ":status", ":", ":foo", ":Path", "host", "Host",
        "cookie", "content-length", "te", "connection", "keep-alive", "proxy-connection", "transfer-encoding",
        "upgrade", "accept", "Accept", "x-a", "", "a b", "a\0", "\u00e9", "set-cookie",
    };
    private static final String[] VALUES = {
        "GET", "CONNECT", "OPTIONS", "get", "G T", "", "*", "/", "/a/../b", "/..", "/%zz", "/%C3%A9", "a/b",
        "http://x/", "http", "https", "HTTP", "urn", "1x", "example.com", "EXAMPLE.COM:443", "a@b", "a:1", "[::1]:8",
        "200", "101", "099", "2000", "5", "5, 5", "5, 6", "-1", "trailers", "gzip", "websocket", " x", "x ", "\t",
        "x\r\ny", "x\0", "\u007f", "caf\u00e9", "\u0100", "a=1; b=2", "a;  b", "; ",
    };

    @Test
    void requestDecodingOnlyReturnsOrThrowsStreamExceptions() {
        fuzz(0x5eed_9113L, (fields, random) -> {
            boolean extendedConnect = random.nextBoolean();
            RequestHead head = RequestFields.decode(fields, STREAM, extendedConnect);
            if (RequestFields.extendedConnectProtocol(fields).isEmpty()) {
                // Sent again (encoding has no :protocol, so extended CONNECT requests are left out).
                String scheme = fields.stream().filter(field -> field.name().equals(":scheme")).findFirst()
                        .map(HpackField::value).orElse("https");
                RequestHead again = RequestFields.decode(RequestFields.encode(head, scheme), STREAM);
                assertEquals(head.method(), again.method());
                assertEquals(head.target(), again.target());
                assertEquals(withoutHost(head.headers()), withoutHost(again.headers()));
                assertEquals(head.headers().contains("host"), again.headers().contains("host"));
            }
        });
    }

    @Test
    void responseDecodingOnlyReturnsOrThrowsStreamExceptions() {
        fuzz(0x5eed_9114L, (fields, random) -> {
            ResponseHead head = ResponseFields.decode(fields, STREAM);
            assertEquals(head, ResponseFields.decode(ResponseFields.encode(head.status(), head.headers()), STREAM));
        });
    }

    @Test
    void trailerDecodingOnlyReturnsOrThrowsStreamExceptions() {
        fuzz(0x5eed_9115L, (fields, random) -> {
            Headers trailers = TrailerFields.decode(fields, STREAM);
            assertEquals(trailers, TrailerFields.decode(TrailerFields.encode(trailers), STREAM));
        });
    }

    private interface Decoding {
        void decode(List<HpackField> fields, Random random) throws StreamException;
    }

    private static void fuzz(long seed, Decoding decoding) {
        Random random = new Random(seed + SEED);
        assertTimeoutPreemptively(TIME_LIMIT, () -> {
            int accepted = 0;
            for (int i = 0; i < ITERATIONS; i++) {
                List<HpackField> fields = mutate(VALID.get(random.nextInt(VALID.size())), random);
                try {
                    decoding.decode(List.copyOf(fields), random);
                    accepted++;
                } catch (StreamException e) {
                    assertEquals(ErrorCode.PROTOCOL_ERROR, e.errorCode(), "iteration " + i + ": " + fields);
                    assertEquals(STREAM, e.streamId(), "iteration " + i + ": " + fields);
                    assertTrue(e.getMessage().startsWith("malformed "), e.getMessage());
                } catch (RuntimeException | AssertionError e) {
                    fail("iteration " + i + ": " + e + " for " + fields, e);
                }
            }
            // Both ways are taken often enough to matter.
            assertTrue(accepted > ITERATIONS / 50 && accepted < ITERATIONS - ITERATIONS / 50, "accepted " + accepted);
        });
    }

    private static List<HpackField> mutate(List<HpackField> valid, Random random) {
        List<HpackField> fields = new ArrayList<>(valid);
        int mutations = random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int at = fields.isEmpty() ? 0 : random.nextInt(fields.size());
            switch (random.nextInt(6)) {
                case 0 -> fields.add(random.nextInt(fields.size() + 1), field(random));
                case 1 -> {
                    if (!fields.isEmpty()) {
                        fields.remove(at);
                    }
                }
                case 2 -> {
                    if (!fields.isEmpty()) {
                        fields.add(random.nextInt(fields.size()), fields.remove(at));
                    }
                }
                case 3 -> {
                    if (!fields.isEmpty()) {
                        fields.set(at, new HpackField(fields.get(at).name(), value(random)));
                    }
                }
                case 4 -> {
                    if (!fields.isEmpty()) {
                        fields.add(at, fields.get(at));
                    }
                }
                default -> fields.add(field(random));
            }
        }
        return fields;
    }

    private static HpackField field(Random random) {
        String name = random.nextInt(8) == 0 ? randomText(random) : NAMES[random.nextInt(NAMES.length)];
        return new HpackField(name, value(random), random.nextInt(10) == 0);
    }

    private static String value(Random random) {
        return random.nextInt(8) == 0 ? randomText(random) : VALUES[random.nextInt(VALUES.length)];
    }

    /** Short text of letters, digits and the characters the rules look at. */
    private static String randomText(Random random) {
        String alphabet = "aZ09-_:/.*@?#%;, \t\r\n\0\u007f\u00e9\u0100";
        char[] text = new char[random.nextInt(6)];
        for (int i = 0; i < text.length; i++) {
            text[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(text);
    }

    private static Headers withoutHost(Headers headers) {
        return headers.toBuilder().remove("host").build();
    }
}
