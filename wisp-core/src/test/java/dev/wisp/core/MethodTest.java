package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MethodTest {
    @Test
    void returnsTheConstantsForStandardNames() {
        assertSame(Method.GET, Method.of("GET"));
        assertSame(Method.HEAD, Method.of("HEAD"));
        assertSame(Method.POST, Method.of("POST"));
        assertSame(Method.PUT, Method.of("PUT"));
        assertSame(Method.DELETE, Method.of("DELETE"));
        assertSame(Method.CONNECT, Method.of("CONNECT"));
        assertSame(Method.OPTIONS, Method.of("OPTIONS"));
        assertSame(Method.TRACE, Method.of("TRACE"));
        assertSame(Method.PATCH, Method.of("PATCH"));
    }

    @Test
    void treatsOtherTokensAsExtensionMethods() {
        Method propfind = Method.of("PROPFIND");

        assertEquals("PROPFIND", propfind.name());
        assertEquals("PROPFIND", propfind.toString());
        assertEquals(propfind, Method.of("PROPFIND"));
        assertEquals(propfind.hashCode(), Method.of("PROPFIND").hashCode());
        assertFalse(propfind.isSafe());
        assertFalse(propfind.isIdempotent());
    }

    @Test
    void namesAreCaseSensitive() {
        Method lowerCase = Method.of("get");

        assertNotEquals(Method.GET, lowerCase);
        assertEquals("get", lowerCase.name());
        assertFalse(lowerCase.isSafe());
    }

    @Test
    void knowsWhichStandardMethodsAreSafeAndIdempotent() {
        assertTrue(Method.GET.isSafe() && Method.HEAD.isSafe() && Method.OPTIONS.isSafe() && Method.TRACE.isSafe());
        assertFalse(Method.POST.isSafe() || Method.PUT.isSafe() || Method.DELETE.isSafe() || Method.PATCH.isSafe());
        assertTrue(Method.PUT.isIdempotent() && Method.DELETE.isIdempotent() && Method.GET.isIdempotent());
        assertFalse(Method.POST.isIdempotent() || Method.PATCH.isIdempotent() || Method.CONNECT.isIdempotent());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "GE T", "GET\r\n", "G(T", "G\0T", "GÉT"})
    void rejectsANameThatIsNotAToken(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Method.of(name));

        assertEquals("method is not a token: '" + Ascii.escape(name) + "'", e.getMessage());
    }

    @Test
    void rejectsNull() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Method.of(null));

        assertEquals("name", e.getMessage());
    }
}
