package dev.wisp.http2;

import static dev.wisp.http2.FieldLists.GET;
import static dev.wisp.http2.FieldLists.assertMalformed;
import static dev.wisp.http2.FieldLists.of;
import static dev.wisp.http2.FieldLists.plus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.core.Headers;
import dev.wisp.http2.hpack.HpackField;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules on regular fields (RFC 9113 §8.2), the same in requests, responses and trailers: each section decodes a
 * field list made of its own valid start and the field under test.
 */
class RegularFieldRulesTest {
    enum Section {
        REQUEST("malformed request on stream 1: ", GET),
        RESPONSE("malformed response on stream 1: ", of(":status", "200")),
        TRAILERS("malformed trailers on stream 1: ", List.of());

        final String prefix;
        final List<HpackField> start;

        Section(String prefix, List<HpackField> start) {
            this.prefix = prefix;
            this.start = start;
        }

        /** Decodes the section's start with these fields after it, and returns the regular fields it decoded. */
        Headers decode(String... namesAndValues) throws StreamException {
            List<HpackField> fields = plus(start, namesAndValues);
            return switch (this) {
                case REQUEST -> RequestFields.decode(fields, 1).headers();
                case RESPONSE -> ResponseFields.decode(fields, 1).headers();
                case TRAILERS -> TrailerFields.decode(fields, 1);
            };
        }

        void assertRefuses(String message, String... namesAndValues) {
            assertMalformed(prefix + message, () -> decode(namesAndValues));
        }
    }

    @ParameterizedTest
    @EnumSource(Section.class)
    void keepsValidFieldsInOrder(Section section) throws StreamException {
        Headers headers = section.decode("accept", "*/*", "x-empty", "", "x-a", "1", "x-a", "2", "te", "Trailers",
                "x-latin", "caf\u00e9", "x-inner", "a \t b", "content-length", "5");
        Headers expected = Headers.of("accept", "*/*", "x-empty", "", "x-a", "1", "x-a", "2", "te", "Trailers",
                "x-latin", "caf\u00e9", "x-inner", "a \t b", "content-length", "5");
        if (section == Section.TRAILERS) {
            // Well-formed, but no place in trailers: dropped (ProhibitedTrailerFields).
            expected = expected.toBuilder().remove("te").remove("content-length").build();
        }
        assertEquals(expected, headers.toBuilder().remove("host").build());
        assertEquals(List.of("1", "2"), headers.all("x-a"));
        assertEquals("caf\u00e9", headers.firstOrNull("x-latin"));
        assertEquals("a \t b", headers.firstOrNull("x-inner"));
    }

    @ParameterizedTest
    @EnumSource(Section.class)
    void refusesUppercaseNames(Section section) {
        section.assertRefuses("field name 'Accept' has uppercase letters (RFC 9113 §8.2.1)", "Accept", "*/*");
        section.assertRefuses("field name 'x-fOo' has uppercase letters (RFC 9113 §8.2.1)", "x-fOo", "1");
    }

    @ParameterizedTest
    @EnumSource(Section.class)
    void refusesNamesThatAreNoTokens(Section section) {
        section.assertRefuses("field name '' is not a token (RFC 9113 §8.2.1)", "", "x");
        section.assertRefuses("field name 'a b' is not a token (RFC 9113 §8.2.1)", "a b", "x");
        section.assertRefuses("field name 'a:b' is not a token (RFC 9113 §8.2.1)", "a:b", "x");
        section.assertRefuses("field name 'a\\x00' is not a token (RFC 9113 §8.2.1)", "a\0", "x");
        section.assertRefuses("field name 'caf\\xe9' is not a token (RFC 9113 §8.2.1)", "caf\u00e9", "x");
        section.assertRefuses("field name 'x\\x7f' is not a token (RFC 9113 §8.2.1)", "x\u007f", "x");
    }

    @ParameterizedTest
    @EnumSource(Section.class)
    void refusesNulCrAndLfInValues(Section section) {
        section.assertRefuses("value of field 'x-a' holds NUL, CR or LF: 'a\\x00b' (RFC 9113 §8.2.1)", "x-a", "a\0b");
        section.assertRefuses("value of field 'x-a' holds NUL, CR or LF: 'a\\rb' (RFC 9113 §8.2.1)", "x-a", "a\rb");
        section.assertRefuses("value of field 'x-a' holds NUL, CR or LF: 'a\\nb' (RFC 9113 §8.2.1)", "x-a", "a\nb");
        section.assertRefuses("value of field 'x-a' holds NUL, CR or LF: 'a\\r\\nx-b: c' (RFC 9113 §8.2.1)",
                "x-a", "a\r\nx-b: c");
    }

    @ParameterizedTest
    @EnumSource(Section.class)
    void refusesOtherControlsInValues(Section section) {
        section.assertRefuses("value of field 'x-a' holds a control or a character above 0xff: 'a\\x01' (RFC 9110"
                + " §5.5)", "x-a", "a\u0001");
        section.assertRefuses("value of field 'x-a' holds a control or a character above 0xff: 'a\\x7f' (RFC 9110"
                + " §5.5)", "x-a", "a\u007f");
        section.assertRefuses("value of field 'x-a' holds a control or a character above 0xff: 'a\\u0100' (RFC 9110"
                + " §5.5)", "x-a", "a\u0100");
    }

    @ParameterizedTest
    @EnumSource(Section.class)
    void refusesWhitespaceAtEitherEndOfAValue(Section section) {
        section.assertRefuses("value of field 'x-a' starts or ends with whitespace: ' a' (RFC 9113 §8.2.1)",
                "x-a", " a");
        section.assertRefuses("value of field 'x-a' starts or ends with whitespace: 'a\\t' (RFC 9113 §8.2.1)",
                "x-a", "a\t");
        section.assertRefuses("value of field 'x-a' starts or ends with whitespace: ' ' (RFC 9113 §8.2.1)",
                "x-a", " ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"})
    void refusesConnectionSpecificFields(String name) {
        for (Section section : Section.values()) {
            section.assertRefuses("connection-specific field '" + name + "' (RFC 9113 §8.2.2)", name, "x");
        }
    }

    @ParameterizedTest
    @EnumSource(Section.class)
    void refusesTeOtherThanTrailers(Section section) throws StreamException {
        section.assertRefuses("te field with a value other than 'trailers': 'gzip' (RFC 9113 §8.2.2)", "te", "gzip");
        section.assertRefuses("te field with a value other than 'trailers': 'trailers, deflate' (RFC 9113 §8.2.2)",
                "te", "trailers, deflate");
        assertEquals(section == Section.TRAILERS ? null : "trailers",
                section.decode("te", "trailers").firstOrNull("te"));
    }

    @ParameterizedTest
    @EnumSource(Section.class)
    void refusesPseudoHeaderFieldsAfterRegularOnes(Section section) {
        if (section == Section.TRAILERS) {
            section.assertRefuses("pseudo-header field ':status' in trailers (RFC 9113 §8.1)", ":status", "200");
            section.assertRefuses("pseudo-header field ':path' in trailers (RFC 9113 §8.1)", "x-a", "1", ":path", "/");
        } else {
            section.assertRefuses("pseudo-header field ':status' after a regular field (RFC 9113 §8.3)",
                    "x-a", "1", ":status", "200");
        }
    }

    @ParameterizedTest
    @EnumSource(Section.class)
    void acceptsOneContentLengthOrRepeatedIdenticalOnes(Section section) throws StreamException {
        boolean dropped = section == Section.TRAILERS; // well-formed, but no place in trailers
        assertEquals(dropped ? List.of() : List.of("0"), section.decode("content-length", "0").all("content-length"));
        assertEquals(dropped ? List.of() : List.of("5", "5, 5"),
                section.decode("content-length", "5", "content-length", "5, 5").all("content-length"));
    }

    @ParameterizedTest
    @EnumSource(Section.class)
    void refusesInvalidOrDifferingContentLengths(Section section) {
        section.assertRefuses("invalid content-length: '-1' (RFC 9110 §8.6)", "content-length", "-1");
        section.assertRefuses("invalid content-length: '' (RFC 9110 §8.6)", "content-length", "");
        section.assertRefuses("invalid content-length: '0x10' (RFC 9110 §8.6)", "content-length", "0x10");
        section.assertRefuses("invalid content-length: '1,' (RFC 9110 §8.6)", "content-length", "1,");
        section.assertRefuses("invalid content-length: '1234567890123456789' (RFC 9110 §8.6)",
                "content-length", "1234567890123456789");
        section.assertRefuses("differing content-length values: 5 and 6 (RFC 9110 §8.6)",
                "content-length", "5", "content-length", "6");
        section.assertRefuses("differing content-length values: 5 and 6 (RFC 9110 §8.6)", "content-length", "5, 6");
    }
}
