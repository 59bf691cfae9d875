package dev.wisp.server.forms;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.PercentEncoding;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a part's {@code Content-Disposition: form-data; name="..."; filename="..."} (RFC 7578 §4.2) into its
 * {@link PartHead}. Quoted values are read as browsers write them (WHATWG HTML "multipart/form-data encoding"):
 * up to the next double quote, a backslash being an ordinary character (a Windows path), and bytes that are UTF-8
 * as UTF-8. {@code filename*} (RFC 5987 ext-value) is read too, in UTF-8 or ISO-8859-1, and preferred.
 *
 * <p>Stateless.
 */
final class ContentDisposition {
    private ContentDisposition() {
    }

    /**
     * @throws MalformedMessageException if the part has no form-data Content-Disposition with a name
     */
    static PartHead read(Headers headers) throws MalformedMessageException {
        String field = headers.firstOrNull("Content-Disposition");
        if (field == null) {
            throw new MalformedMessageException("multipart part has no Content-Disposition");
        }
        int semicolon = field.indexOf(';');
        String type = (semicolon < 0 ? field : field.substring(0, semicolon)).strip();
        if (!type.equalsIgnoreCase("form-data")) {
            throw new MalformedMessageException("multipart part's Content-Disposition is not form-data: '"
                    + Ascii.escape(field) + "'");
        }
        Map<String, String> parameters = semicolon < 0 ? Map.of() : parameters(field, semicolon + 1);
        String name = parameters.get("name");
        if (name == null) {
            throw new MalformedMessageException("multipart part's Content-Disposition has no name: '"
                    + Ascii.escape(field) + "'");
        }
        Optional<String> filename = Optional.ofNullable(parameters.get("filename*"))
                .flatMap(ContentDisposition::extValue)
                .or(() -> Optional.ofNullable(parameters.get("filename")).map(ContentDisposition::utf8IfValid));
        return new PartHead(utf8IfValid(name), filename,
                Optional.ofNullable(headers.firstOrNull(HeaderNames.CONTENT_TYPE)), headers);
    }

    private static Map<String, String> parameters(String field, int at) throws MalformedMessageException {
        Map<String, String> parameters = new HashMap<>();
        while (at < field.length()) {
            int equals = field.indexOf('=', at);
            int semicolon = field.indexOf(';', at);
            if (equals < 0 || (semicolon >= 0 && semicolon < equals)) {
                at = semicolon < 0 ? field.length() : semicolon + 1; // a parameter without a value is ignored
                continue;
            }
            String name = field.substring(at, equals).strip().toLowerCase(Locale.ROOT);
            int start = equals + 1;
            while (start < field.length() && field.charAt(start) == ' ') {
                start++;
            }
            String value;
            if (start < field.length() && field.charAt(start) == '"') {
                int close = field.indexOf('"', start + 1);
                if (close < 0) {
                    throw new MalformedMessageException("multipart part's Content-Disposition has an unterminated"
                            + " quoted value: '" + Ascii.escape(field) + "'");
                }
                value = field.substring(start + 1, close);
                semicolon = field.indexOf(';', close);
            } else {
                semicolon = field.indexOf(';', start);
                value = field.substring(start, semicolon < 0 ? field.length() : semicolon).strip();
            }
            parameters.putIfAbsent(name, value);
            at = semicolon < 0 ? field.length() : semicolon + 1;
        }
        return parameters;
    }

    /** RFC 5987 §3.2: charset "'" [ language ] "'" value-chars; empty if the charset is not one we read. */
    private static Optional<String> extValue(String value) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0) {
            return Optional.empty();
        }
        Charset charset = switch (value.substring(0, first).toUpperCase(Locale.ROOT)) {
            case "UTF-8" -> StandardCharsets.UTF_8;
            case "ISO-8859-1" -> StandardCharsets.ISO_8859_1;
            default -> null;
        };
        if (charset == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(PercentEncoding.decode(value.substring(second + 1), false, charset));
        } catch (MalformedMessageException e) {
            return Optional.empty();
        }
    }

    /** Header text is read as ISO-8859-1; browsers send names in UTF-8, so read them so when they are. */
    private static String utf8IfValid(String latin1) {
        byte[] bytes = latin1.getBytes(StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return latin1;
        }
    }
}
