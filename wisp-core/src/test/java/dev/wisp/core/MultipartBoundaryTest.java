package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Multipart boundaries as RFC 2046 §5.1.1 defines them. */
class MultipartBoundaryTest {
    @ParameterizedTest
    @ValueSource(strings = {"a", "----WebKitFormBoundary7MA4YWxkTrZu0gW", "'()+_,-./:=? x",
        "1234567890123456789012345678901234567890123456789012345678901234567890"})
    void acceptsOneToSeventyBchars(String boundary) {
        assertTrue(MultipartBoundary.isValid(boundary));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a ", "a\"b", "a;b", "a\\b", "caf\u00e9", "a\tb",
        "12345678901234567890123456789012345678901234567890123456789012345678901"})
    void refusesOthers(String boundary) {
        assertFalse(MultipartBoundary.isValid(boundary));
    }
}
