package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Content-Type values as RFC 9110 §8.3.1 writes them. */
class MediaTypeTest {
    @Test
    void parsesTypeSubtypeAndParametersWithoutCase() throws Exception {
        MediaType type = MediaType.parse("Multipart/Form-Data ; Boundary=abc;charset=\"utf-8\"");

        assertTrue(type.is("multipart", "form-data"));
        assertEquals(Map.of("boundary", "abc", "charset", "utf-8"), type.parameters());
        assertEquals(Optional.of("abc"), type.parameter("BOUNDARY"));
    }

    @Test
    void readsQuotedPairsAndKeepsTheFirstOfARepeatedParameter() throws Exception {
        MediaType type = MediaType.parse("multipart/form-data; boundary=\"a \\\"b\\\\c\"; boundary=other;");

        assertEquals(Optional.of("a \"b\\c"), type.parameter("boundary"));
        assertEquals("multipart/form-data; boundary=\"a \\\"b\\\\c\"", type.toString());
    }

    @Test
    void namesItsCharsetOrRefusesAnUnknownOneWith415() throws Exception {
        assertEquals(Optional.of(StandardCharsets.ISO_8859_1), MediaType.parse("text/plain; charset=latin1").charset());
        assertEquals(Optional.empty(), MediaType.parse("text/plain").charset());
        var e = assertThrows(UnsupportedMediaTypeException.class,
                () -> MediaType.parse("text/plain; charset=klingon").charset());
        assertEquals("unsupported charset 'klingon'", e.getMessage());
        assertEquals(Status.UNSUPPORTED_MEDIA_TYPE, e.status());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "text|media type is not type/subtype: 'text'",
        "text/|media type is not type/subtype: 'text/'",
        "te xt/plain|media type is not type/subtype: 'te xt/plain'",
        "text/plain; charset|media type parameter has no '=': 'text/plain; charset'",
        "text/plain; charset=|media type parameter has no value: 'text/plain; charset='",
        "text/plain; charset=\"utf-8|media type parameter has an unterminated quoted-string:"
                + " 'text/plain; charset=\"utf-8'",
        "text/plain; charset=a b|media type parameter is followed by more than ';': 'text/plain; charset=a b'",
    })
    void refusesMalformedValuesWithATypedError(String text, String message) {
        var e = assertThrows(MalformedMessageException.class, () -> MediaType.parse(text));
        assertEquals(message, e.getMessage());
    }
}
