package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemeTest {
    @ParameterizedTest
    @ValueSource(strings = {"http", "HTTPS", "h", "a1", "svn+ssh", "x-y", "z.39.50r"})
    void acceptsASchemeAsRfc3986HasIt(String scheme) {
        assertTrue(Scheme.isValid(scheme), scheme);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1http", "+x", "h_ttp", "ht tp", "http:", "é", "hé", "-"})
    void refusesWhatIsNotAScheme(String scheme) {
        assertFalse(Scheme.isValid(scheme), scheme);
    }
}
