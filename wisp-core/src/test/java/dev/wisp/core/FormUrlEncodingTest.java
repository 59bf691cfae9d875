package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The application/x-www-form-urlencoded syntax shared by query strings and form bodies. */
class FormUrlEncodingTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a=1&b=2|a:1,b:2",
        "a=1&&b=2&|a:1,b:2",
        "flag&a=|flag:,a:",
        "=v|:v",
        "a=x=y|a:x=y",
        "''|''",
    })
    void splitsIntoEncodedFieldsInOrder(String text, String expected) {
        List<String> fields = new ArrayList<>();
        FormUrlEncoding.<RuntimeException>split(text, (name, value) -> fields.add(name + ":" + value));
        assertEquals(expected, String.join(",", fields));
    }

    @Test
    void decodesPlusAsSpaceAndEscapesInTheCharset() throws Exception {
        assertEquals("a b+c", FormUrlEncoding.decode("a+b%2Bc", StandardCharsets.UTF_8));
        assertEquals("caf\u00e9", FormUrlEncoding.decode("caf%C3%A9", StandardCharsets.UTF_8));
        assertEquals("caf\u00e9", FormUrlEncoding.decode("caf%E9", StandardCharsets.ISO_8859_1));
    }

    @Test
    void refusesBytesNotOfTheCharsetNamingIt() {
        var e = assertThrows(MalformedMessageException.class,
                () -> FormUrlEncoding.decode("caf%E9", StandardCharsets.UTF_8));
        assertEquals("percent-encoded bytes are not UTF-8 in 'caf%E9'", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "a%|incomplete percent-encoding in 'a%'",
        "%4|incomplete percent-encoding in '%4'",
        "%zz|invalid percent-encoding in '%zz'",
        "caf\u00e9|non-ASCII character in 'caf\\xe9'",
    })
    void refusesMalformedEscapesWithATypedError(String encoded, String message) {
        var e = assertThrows(MalformedMessageException.class,
                () -> FormUrlEncoding.decode(encoded, StandardCharsets.UTF_8));
        assertEquals(message, e.getMessage());
        assertEquals(Status.BAD_REQUEST, e.status());
    }
}
