package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Headers;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What a download sends and takes, without sockets: its checks, Content-Range and the validator. */
class DownloadTest {

    @Test
    void readsContentRangeAsRfc9110WritesIt() {
        assertEquals(new ContentRange(100, 199, 1000), ContentRange.parse("bytes 100-199/1000"));
        assertEquals(new ContentRange(0, 0, -1), ContentRange.parse("bytes 0-0/*"));
        assertEquals(new ContentRange(-1, -1, 1000), ContentRange.parse("bytes */1000"));
        for (String bad : new String[] {null, "", "bytes", "items 0-1/2", "bytes 1-0/5", "bytes 0-5/5", "bytes */*",
                "bytes -1-2/5", "bytes 0-1", "bytes 0-1/x", "bytes 0-1/ 5", "bytes 0-1/1234567890123456789"}) {
            assertNull(ContentRange.parse(bad), bad);
        }
    }

    @Test
    void contentRangeTakesNothingMalformedWhateverComes() {
        Random random = new Random(12);
        String alphabet = "bytes 0123456789-*/ x";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder(random.nextBoolean() ? "bytes " : "");
            for (int n = random.nextInt(16); n > 0; n--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            ContentRange range = ContentRange.parse(text.toString());
            if (range != null) {
                String rebuilt = range.first() < 0 ? "bytes */" + range.length()
                        : "bytes " + range.first() + "-" + range.last() + "/"
                        + (range.length() < 0 ? "*" : Long.toString(range.length()));
                assertEquals(rebuilt, text.toString().replaceAll("(?<=[ /-])0+(?=[0-9])", ""), "read back");
                assertTrue(range.first() < 0 || range.first() <= range.last()
                        && (range.length() < 0 || range.last() < range.length()), text::toString);
            }
        }
    }

    @Test
    void resumesOnlyWithAStrongValidator() {
        assertEquals("\"abc\"", Download.validatorOf(Headers.of("ETag", "\"abc\"")));
        assertNull(Download.validatorOf(Headers.of("ETag", "W/\"abc\"")), "a weak tag");
        String modified = "Tue, 01 Dec 2026 10:00:00 GMT";
        assertEquals(modified, Download.validatorOf(Headers.of("Last-Modified", modified,
                "Date", "Tue, 01 Dec 2026 10:00:01 GMT")), "a second before the Date: strong");
        assertNull(Download.validatorOf(Headers.of("Last-Modified", modified, "Date", modified)), "same second: weak");
        assertNull(Download.validatorOf(Headers.of("Last-Modified", modified)), "no Date to tell");
        assertEquals(modified, Download.validatorOf(Headers.of("ETag", "W/\"x\"", "Last-Modified", modified,
                "Date", "Tue, 01 Dec 2026 11:00:00 GMT")));
    }

    @Test
    void refusesRequestsThatAreNoDownload() {
        try (Client client = Client.create()) {
            Path file = Path.of("unused.bin");
            DownloadConfig config = DownloadConfig.defaults();
            for (Request request : new Request[] {
                    Request.builder("http://127.0.0.1:1/f").method("POST").body("x").build(),
                    Request.builder("http://127.0.0.1:1/f").header("Range", "bytes=0-").build(),
                    Request.builder("http://127.0.0.1:1/f").decompress(true).build()}) {
                assertThrows(IllegalArgumentException.class, () -> client.download(request, file, config),
                        request::toString);
            }
        }
    }

    @Test
    void checksItsOptions() {
        assertEquals("expectedSha256 must be 64 hex digits: 'abc'", assertThrows(IllegalArgumentException.class,
                () -> DownloadConfig.builder().expectedSha256("abc")).getMessage());
        assertEquals("maxBytes must not be negative: -1", assertThrows(IllegalArgumentException.class,
                () -> DownloadConfig.builder().maxBytes(-1).build()).getMessage());
        assertEquals("a".repeat(64), DownloadConfig.builder().expectedSha256("A".repeat(64)).build()
                .expectedSha256().orElseThrow());
        assertEquals(5, DownloadConfig.defaults().retryPolicy().maxAttempts());
    }
}
