package dev.wisp.websocket.internal;

import java.util.List;

/**
 * One extension of a {@code Sec-WebSocket-Extensions} header: a name and its parameters, in order, duplicates
 * kept (permessage-deflate must decline an offer that repeats a parameter).
 */
public record WebSocketExtension(String name, List<Parameter> parameters) {
    public WebSocketExtension {
        parameters = List.copyOf(parameters);
    }

    /**
     * A parameter, with its value unquoted.
     *
     * @param value the value, or {@code null} for a parameter without one
     */
    public record Parameter(String name, String value) {
    }

    /** The header form: {@code name; a; b=1}. Values are tokens, so none needs quoting. */
    public String toHeaderValue() {
        StringBuilder text = new StringBuilder(name);
        for (Parameter parameter : parameters) {
            text.append("; ").append(parameter.name());
            if (parameter.value() != null) {
                text.append('=').append(parameter.value());
            }
        }
        return text.toString();
    }
}
