package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProhibitedTrailerFieldsTest {
    @ParameterizedTest
    @ValueSource(strings = {"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Proxy-Connection",
            "TE", "Upgrade", "HTTP2-Settings", "Host", "Max-Forwards", "Authorization", "Proxy-Authorization",
            "WWW-Authenticate", "Proxy-Authenticate", "Cookie", "Set-Cookie", "Expect", "Range", "If-Match",
            "If-None-Match", "If-Modified-Since", "If-Unmodified-Since", "If-Range", "Cache-Control", "Pragma", "Age",
            "Date", "Expires", "Location", "Retry-After", "Vary", "Content-Encoding", "Content-Type",
            "Content-Range", "Trailer"})
    void fieldsOfFramingRoutingAuthenticationModifiersControlAndProcessingAreProhibited(String name) {
        assertTrue(ProhibitedTrailerFields.isProhibited(name), name);
        assertTrue(ProhibitedTrailerFields.isProhibited(name.toLowerCase(Locale.ROOT)), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Checksum", "Server-Timing", "Content-Digest", "Digest", "ETag", "grpc-status",
            "grpc-message", "Authentication-Info", "X-Forwarded-For", "Via"})
    void fieldsMeantForAfterTheContentAreAllowed(String name) {
        assertFalse(ProhibitedTrailerFields.isProhibited(name), name);
    }

    @Test
    void removesTheProhibitedFieldsAndKeepsTheRestInOrder() {
        Headers trailers = Headers.of("X-Checksum", "abc", "Content-Length", "50", "Server-Timing", "db;dur=5",
                "host", "evil", "Transfer-Encoding", "chunked", "X-Checksum", "def", "Authorization", "Basic eA==");

        assertEquals(Headers.of("X-Checksum", "abc", "Server-Timing", "db;dur=5", "X-Checksum", "def"),
                ProhibitedTrailerFields.removeFrom(trailers));
    }

    @Test
    void removesTheFieldsAConnectionAmongThemNames() {
        Headers trailers = Headers.of("Connection", "X-Hop, keep-alive", "X-Hop", "1", "X-Kept", "2");

        assertEquals(Headers.of("X-Kept", "2"), ProhibitedTrailerFields.removeFrom(trailers));
    }

    @Test
    void removesTheFieldsASenderAlsoNamesWhateverTheirCase() {
        Headers trailers = Headers.of("X-Checksum", "abc", "Via", "1.1 evil", "Host", "evil");

        assertEquals(Headers.of("X-Checksum", "abc"), ProhibitedTrailerFields.removeFrom(trailers, Set.of("via")));
        Headers allowed = Headers.of("X-Checksum", "abc");
        assertSame(allowed, ProhibitedTrailerFields.removeFrom(allowed, Set.of("via")));
    }

    @Test
    void givesTheSameTrailersBackWhenNoneIsProhibited() {
        Headers trailers = Headers.of("X-Checksum", "abc", "Server-Timing", "db;dur=5");

        assertSame(trailers, ProhibitedTrailerFields.removeFrom(trailers));
        assertSame(Headers.empty(), ProhibitedTrailerFields.removeFrom(Headers.empty()));
    }
}
