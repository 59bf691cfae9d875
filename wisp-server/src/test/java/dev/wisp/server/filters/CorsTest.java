package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorsTest {
    @Test
    void refusesAnyOriginWithCredentials() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Cors.builder().allowedOrigins("*").allowCredentials(true).build());
        assertEquals("allowCredentials(true) with allowedOrigins(\"*\") would let any site read answers made with "
                + "the user's cookies: list the origins allowed instead", e.getMessage());
        assertDoesNotThrow(() -> Cors.builder().allowedOrigins("*").build());
        assertDoesNotThrow(() -> Cors.builder().allowedOrigins("https://app.example").allowCredentials(true).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"app.example", "https://app.example/", "https://app.example/path", "https://",
        "://app.example", "1http://app.example", "https://a b", "https://app.example:99999", "https://u@app.example"})
    void refusesWhatNoBrowserSendsAsAnOrigin(String origin) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Cors.builder().allowedOrigins(origin));
        assertEquals("not an origin as a browser sends it (scheme://host[:port]): '" + origin + "'", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example", "http://localhost:5173", "https://[::1]:8443", "null", "*",
        "chrome-extension://abcdef"})
    void takesOrigins(String origin) {
        assertDoesNotThrow(() -> Cors.builder().allowedOrigins(origin).build());
    }
}
