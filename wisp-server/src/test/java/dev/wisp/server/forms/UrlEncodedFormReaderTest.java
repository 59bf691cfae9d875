package dev.wisp.server.forms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** application/x-www-form-urlencoded bodies read within their limits. */
class UrlEncodedFormReaderTest {
    @Test
    void readsFieldsInOrderWithRepeatedNames() throws IOException {
        FormData form = read("name=J%C3%BCrgen+M%C3%BCller&tag=a&tag=b&empty=&flag", StandardCharsets.UTF_8,
                FormConfig.defaults());

        assertEquals(Optional.of("J\u00fcrgen M\u00fcller"), form.first("name"));
        assertEquals(List.of("a", "b"), form.all("tag"));
        assertEquals(Optional.of(""), form.first("empty"));
        assertEquals(Optional.of(""), form.first("flag"));
        assertEquals(List.of(), form.all("missing"));
        assertEquals(Set.of("name", "tag", "empty", "flag"), form.names());
        assertEquals(List.of("name", "tag", "empty", "flag"), List.copyOf(form.names()));
    }

    @Test
    void decodesInTheCharsetOfTheContentType() throws IOException {
        assertEquals(Map.of("q", List.of("caf\u00e9")),
                read("q=caf%E9", StandardCharsets.ISO_8859_1, FormConfig.defaults()).asMap());
    }

    @Test
    void readsAnEmptyBodyAsAnEmptyForm() throws IOException {
        assertEquals(FormData.empty(), read("", StandardCharsets.UTF_8, FormConfig.defaults()));
    }

    @Test
    void refusesABadPercentEscapeOrBytesNotOfTheCharset() {
        assertMalformed("a=%zz", "invalid percent-encoding in '%zz'");
        assertMalformed("a=100%", "incomplete percent-encoding in '100%'");
        assertMalformed("a=caf%E9", "percent-encoded bytes are not UTF-8 in 'caf%E9'");
        assertMalformed("a=caf\u00e9", "non-ASCII character in 'caf\\xe9'");
    }

    @Test
    void refusesABodyLongerThanMaxFormBytesWhetherDeclaredOrNot() throws IOException {
        FormConfig config = FormConfig.builder().maxFormBytes(10).build();
        assertEquals(Optional.of("123456"), read("a=123456&b", StandardCharsets.UTF_8, config).first("a"));

        var read = assertThrows(MessageTooLargeException.class, () -> read("a=123456789", StandardCharsets.UTF_8,
                config));
        assertEquals("form body exceeds 10 bytes (maxFormBytes)", read.getMessage());
        var declared = assertThrows(MessageTooLargeException.class, () -> UrlEncodedFormReader.read(
                new ByteArrayInputStream(new byte[0]), 11, StandardCharsets.UTF_8, config));
        assertEquals("maxFormBytes", declared.limitName());
        assertEquals(Status.CONTENT_TOO_LARGE, declared.status());
    }

    @Test
    void refusesMoreFieldsThanMaxFields() throws IOException {
        FormConfig config = FormConfig.builder().maxFields(2).build();
        assertEquals(2, read("a=1&&b=2&", StandardCharsets.UTF_8, config).names().size());

        var e = assertThrows(MessageTooLargeException.class, () -> read("a=1&b=2&a=3", StandardCharsets.UTF_8,
                config));
        assertEquals("form has more than 2 fields (maxFields)", e.getMessage());
        assertEquals("maxFields", e.limitName());
    }

    @Test
    void refusesANameOrValueLongerThanMaxFieldBytesAsSent() throws IOException {
        FormConfig config = FormConfig.builder().maxFieldBytes(6).build();
        assertEquals(Optional.of("ab"), read("name=%61%62", StandardCharsets.UTF_8, config).first("name"));

        var value = assertThrows(MessageTooLargeException.class, () -> read("a=%61%62%63", StandardCharsets.UTF_8,
                config));
        assertEquals("form field value exceeds 6 bytes (maxFieldBytes)", value.getMessage());
        var name = assertThrows(MessageTooLargeException.class, () -> read("abcdefg=1", StandardCharsets.UTF_8,
                config));
        assertEquals("form field name exceeds 6 bytes (maxFieldBytes)", name.getMessage());
    }

    private static FormData read(String body, Charset charset, FormConfig config) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        return UrlEncodedFormReader.read(new ByteArrayInputStream(bytes), bytes.length, charset, config);
    }

    private static void assertMalformed(String body, String message) {
        var e = assertThrows(MalformedMessageException.class, () -> read(body, StandardCharsets.UTF_8,
                FormConfig.defaults()));
        assertEquals(message, e.getMessage());
    }
}
