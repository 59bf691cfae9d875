package dev.wisp.http1;

import dev.wisp.core.HeaderNames;
import java.nio.charset.StandardCharsets;

/**
 * Returns shared strings for the field names almost every message carries, so parsing a head allocates only for
 * values and rare names. Matching is exact-case: a name spelt differently gets its own string, as received.
 */
final class FieldNames {
    private static final String[] COMMON = {
        HeaderNames.HOST, "User-Agent", "Accept", "Accept-Encoding", "Accept-Language", HeaderNames.CONNECTION,
        HeaderNames.CONTENT_LENGTH, HeaderNames.CONTENT_TYPE, HeaderNames.TRANSFER_ENCODING, "Cookie",
        HeaderNames.REFERER,
        HeaderNames.CACHE_CONTROL, HeaderNames.IF_NONE_MATCH, HeaderNames.IF_MODIFIED_SINCE, "Origin",
        "Upgrade-Insecure-Requests", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Pragma", "Authorization",
        HeaderNames.DATE, HeaderNames.SERVER, HeaderNames.EXPECT, HeaderNames.RANGE, HeaderNames.UPGRADE,
        "host", "user-agent", "accept", "accept-encoding", "connection", "content-length", "content-type",
        "transfer-encoding",
    };
    private static final byte[][] COMMON_BYTES = new byte[COMMON.length][];

    static {
        for (int i = 0; i < COMMON.length; i++) {
            COMMON_BYTES[i] = COMMON[i].getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private FieldNames() {
    }

    static String intern(byte[] buffer, int offset, int length) {
        for (int i = 0; i < COMMON_BYTES.length; i++) {
            byte[] candidate = COMMON_BYTES[i];
            if (candidate.length == length && candidate[0] == buffer[offset]
                    && java.util.Arrays.equals(candidate, 0, length, buffer, offset, offset + length)) {
                return COMMON[i];
            }
        }
        return new String(buffer, offset, length, StandardCharsets.ISO_8859_1);
    }
}
