package dev.wisp.core;

import java.nio.charset.Charset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A media type as a Content-Type field states it (RFC 9110 §8.3.1): {@code type/subtype} and parameters, such as
 * {@code multipart/form-data; boundary="x y"}. Type, subtype and parameter names are lower case; parameter values
 * are kept as sent, without the quotes and backslashes of a quoted-string.
 *
 * @param parameters in the order sent; a repeated name keeps its first value
 */
public record MediaType(String type, String subtype, Map<String, String> parameters) {
    public MediaType {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subtype, "subtype");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * Parses a Content-Type field value.
     *
     * @throws MalformedMessageException if it is not {@code type/subtype} followed by {@code ;name=value} parameters
     */
    public static MediaType parse(String text) throws MalformedMessageException {
        int slash = text.indexOf('/');
        int semicolon = text.indexOf(';');
        int end = semicolon < 0 ? text.length() : semicolon;
        String type = slash < 0 || slash > end ? "" : text.substring(0, slash).strip();
        String subtype = slash < 0 || slash > end ? "" : text.substring(slash + 1, end).strip();
        if (!HeaderValidation.isToken(type) || !HeaderValidation.isToken(subtype)) {
            throw malformed("media type is not type/subtype", text);
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        int at = end;
        while (at < text.length()) {
            at = skipWhitespace(text, at + 1); // past ';'
            if (at >= text.length() || text.charAt(at) == ';') {
                continue; // RFC 9110 §5.6.6: empty parameters are allowed
            }
            int equals = text.indexOf('=', at);
            if (equals < 0) {
                throw malformed("media type parameter has no '='", text);
            }
            String name = text.substring(at, equals);
            if (!HeaderValidation.isToken(name)) {
                throw malformed("media type parameter name is not a token", text);
            }
            StringBuilder value = new StringBuilder();
            at = readValue(text, equals + 1, value);
            parameters.putIfAbsent(Ascii.toLowerCase(name), value.toString());
            at = skipWhitespace(text, at);
            if (at < text.length() && text.charAt(at) != ';') {
                throw malformed("media type parameter is followed by more than ';'", text);
            }
        }
        return new MediaType(Ascii.toLowerCase(type), Ascii.toLowerCase(subtype), parameters);
    }

    /** Whether this is {@code type/subtype}, compared without case. */
    public boolean is(String type, String subtype) {
        return this.type.equals(Ascii.toLowerCase(type)) && this.subtype.equals(Ascii.toLowerCase(subtype));
    }

    /** A parameter's value, by its name in any case. */
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(Ascii.toLowerCase(name)));
    }

    /**
     * The charset parameter.
     *
     * @throws UnsupportedMediaTypeException (415) if the JVM does not know it
     */
    public Optional<Charset> charset() throws UnsupportedMediaTypeException {
        String name = parameters.get("charset");
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Charset.forName(name));
        } catch (IllegalArgumentException e) {
            throw new UnsupportedMediaTypeException("unsupported charset '" + Ascii.escape(name) + "'");
        }
    }

    /** Reads a token or a quoted-string into value; returns the index after it. */
    private static int readValue(String text, int at, StringBuilder value) throws MalformedMessageException {
        if (at < text.length() && text.charAt(at) == '"') {
            for (int i = at + 1; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"') {
                    return i + 1;
                }
                if (c == '\\' && i + 1 < text.length()) {
                    c = text.charAt(++i); // RFC 9110 §5.6.4: quoted-pair
                }
                value.append(c);
            }
            throw malformed("media type parameter has an unterminated quoted-string", text);
        }
        int end = at;
        while (end < text.length() && HeaderValidation.isTokenChar(text.charAt(end))) {
            end++;
        }
        if (end == at) {
            throw malformed("media type parameter has no value", text);
        }
        value.append(text, at, end);
        return end;
    }

    private static int skipWhitespace(String text, int at) {
        while (at < text.length() && HeaderValidation.isWhitespace(text.charAt(at))) {
            at++;
        }
        return at;
    }

    private static MalformedMessageException malformed(String what, String text) {
        return new MalformedMessageException(what + ": '" + Ascii.escape(text) + "'");
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(type).append('/').append(subtype);
        parameters.forEach((name, value) -> out.append("; ").append(name).append('=')
                .append(HeaderValidation.isToken(value) ? value
                        : '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"'));
        return out.toString();
    }
}
