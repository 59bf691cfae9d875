package dev.wisp.websocket.internal;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderValidation;
import dev.wisp.websocket.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code Sec-WebSocket-Extensions} values by the grammar of RFC 6455 §9.1:
 * <pre>
 *   extension-list  = 1#extension
 *   extension       = extension-token *( ";" extension-param )
 *   extension-param = token [ "=" ( token / quoted-string ) ]   ; a quoted value must unquote to a token
 * </pre>
 * with optional whitespace around the separators, empty list elements allowed (RFC 9110 §5.6.1).
 */
public final class ExtensionHeaderParser {
    private final String text;
    private int position;

    private ExtensionHeaderParser(String text) {
        this.text = text;
    }

    /**
     * Parses every field of the header, in order.
     *
     * @throws WebSocketHandshakeException if a value breaks the grammar
     */
    public static List<WebSocketExtension> parse(List<String> values) throws WebSocketHandshakeException {
        List<WebSocketExtension> extensions = new ArrayList<>();
        for (String value : values) {
            new ExtensionHeaderParser(value).parseList(extensions);
        }
        return extensions;
    }

    private void parseList(List<WebSocketExtension> into) throws WebSocketHandshakeException {
        // Each round consumes an element and its comma, or ends at the end of the text.
        while (true) {
            skipWhitespace();
            if (position == text.length()) {
                return;
            }
            if (text.charAt(position) != ',') {
                into.add(parseExtension());
                skipWhitespace();
                if (position == text.length()) {
                    return;
                }
                if (text.charAt(position) != ',') {
                    throw malformed("expected ',' or ';'");
                }
            }
            position++;
        }
    }

    private WebSocketExtension parseExtension() throws WebSocketHandshakeException {
        String name = token("extension name");
        List<WebSocketExtension.Parameter> parameters = new ArrayList<>();
        skipWhitespace();
        while (position < text.length() && text.charAt(position) == ';') {
            position++;
            skipWhitespace();
            String parameter = token("parameter name");
            skipWhitespace();
            String value = null;
            if (position < text.length() && text.charAt(position) == '=') {
                position++;
                skipWhitespace();
                value = position < text.length() && text.charAt(position) == '"' ? quoted() : token("parameter value");
                skipWhitespace();
            }
            parameters.add(new WebSocketExtension.Parameter(parameter, value));
        }
        return new WebSocketExtension(name, parameters);
    }

    private String token(String what) throws WebSocketHandshakeException {
        int start = position;
        while (position < text.length() && HeaderValidation.isTokenChar(text.charAt(position))) {
            position++;
        }
        if (position == start) {
            throw malformed("expected a token for the " + what);
        }
        return text.substring(start, position);
    }

    private String quoted() throws WebSocketHandshakeException {
        position++; // the opening quote
        StringBuilder value = new StringBuilder();
        while (position < text.length() && text.charAt(position) != '"') {
            char c = text.charAt(position++);
            if (c == '\\') {
                if (position == text.length()) {
                    break;
                }
                c = text.charAt(position++);
            }
            value.append(c);
        }
        if (position == text.length()) {
            throw malformed("unterminated quoted-string");
        }
        position++; // the closing quote
        if (!HeaderValidation.isToken(value)) {
            throw malformed("quoted parameter value is not a token");
        }
        return value.toString();
    }

    private void skipWhitespace() {
        while (position < text.length() && HeaderValidation.isWhitespace(text.charAt(position))) {
            position++;
        }
    }

    private WebSocketHandshakeException malformed(String what) {
        return new WebSocketHandshakeException("malformed Sec-WebSocket-Extensions at offset " + position + ": "
                + what + " in '" + Ascii.escape(text) + "'");
    }
}
