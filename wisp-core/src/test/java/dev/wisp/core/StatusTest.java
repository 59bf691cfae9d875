package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatusTest {
    @Test
    void returnsTheConstantsForRegisteredCodes() {
        assertSame(Status.OK, Status.of(200));
        assertSame(Status.NOT_FOUND, Status.of(404));
        assertSame(Status.HTTP_VERSION_NOT_SUPPORTED, Status.of(505));
        assertEquals("404 Not Found", Status.NOT_FOUND.toString());
    }

    @ParameterizedTest
    @CsvSource({"199, Informational", "299, Success", "399, Redirection", "418, Client Error", "599, Server Error",
        "600, Unknown", "999, Unknown"})
    void givesUnregisteredCodesTheReasonOfTheirClass(int code, String reason) {
        Status status = Status.of(code);

        assertEquals(code, status.code());
        assertEquals(reason, status.reason());
        assertEquals(status, Status.of(code));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 99, 1000, Integer.MAX_VALUE})
    void rejectsCodesThatAreNotThreeDigits(int code) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Status.of(code));

        assertEquals("status code must be 100..999: " + code, e.getMessage());
    }

    @Test
    void keepsACustomReasonPhrase() {
        Status status = Status.of(200, "Fine");

        assertEquals("Fine", status.reason());
        assertNotEquals(Status.OK, status);
        assertEquals(Status.OK.hashCode(), status.hashCode());
        assertSame(Status.OK, Status.of(200, "OK"));
        assertEquals("", Status.of(200, "").reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"O\rK", "O\nK", "OK\r\nX-Injected: 1", "O\0K", " OK", "OK "})
    void rejectsAReasonWithControlsOrOuterWhitespace(String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Status.of(200, reason));

        assertEquals("reason phrase has forbidden characters: '" + Ascii.escape(reason) + "'", e.getMessage());
    }

    @Test
    void classifiesCodes() {
        assertTrue(Status.CONTINUE.isInformational());
        assertTrue(Status.NO_CONTENT.isSuccess());
        assertTrue(Status.NOT_MODIFIED.isRedirection());
        assertTrue(Status.NOT_FOUND.isClientError());
        assertTrue(Status.BAD_GATEWAY.isServerError());
        assertFalse(Status.of(600).isServerError());
        assertFalse(Status.OK.isInformational());
    }

    @ParameterizedTest
    @CsvSource({"100, false", "101, false", "199, false", "200, true", "204, false", "205, true", "304, false",
        "404, true"})
    void knowsWhichStatusesCarryContent(int code, boolean allowsContent) {
        assertEquals(allowsContent, Status.of(code).allowsContent());
    }
}
