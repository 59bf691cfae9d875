package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReverseProxyBuilderTest {
    @Test
    void refusesTheRoutesPatternForAPrefix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReverseProxy.builder("http://127.0.0.1:9000").stripPrefix("/api/*"));
        assertEquals("prefix must be a plain path, not a route pattern ('*'): /api/* (the route /api/* has the "
                + "prefix /api)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/users/{id}", "/api?x=1", "/api#top", "api"})
    void refusesWhatNoPathStartsWith(String prefix) {
        assertThrows(IllegalArgumentException.class,
                () -> ReverseProxy.builder("http://127.0.0.1:9000").stripPrefix(prefix));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/api", "/api/", "/a%70i/v1"})
    void takesAPlainPath(String prefix) {
        assertDoesNotThrow(() -> ReverseProxy.builder("http://127.0.0.1:9000").stripPrefix(prefix).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "X Secret", "X-Secret:", "Caf\u00e9"})
    void refusesAHiddenFieldThatIsNoFieldName(String name) {
        assertThrows(IllegalArgumentException.class,
                () -> ReverseProxy.builder("http://127.0.0.1:9000").hideResponseFields("Server", name));
    }
}
