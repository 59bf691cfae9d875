package dev.wisp.websocket.internal;

import dev.wisp.core.Headers;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketHandshakeException;
import java.util.List;
import java.util.Optional;

/**
 * A client's side of the opening handshake (RFC 6455 §4.1): the headers of the upgrade request, then the check
 * of the server's answer. One instance per attempt: it holds the key it sent.
 *
 * <pre>{@code
 * ClientHandshake handshake = ClientHandshake.start(config);
 * // send GET with handshake.requestHeaders() (and Host, and the caller's headers), read the response head
 * Agreement agreed = handshake.check(responseHead);   // throws WebSocketHandshakeException
 * }</pre>
 *
 * <p>Over HTTP/2 the request is an extended CONNECT with {@code :protocol websocket} (RFC 8441 §4, §5): it has no
 * Upgrade, Connection nor Sec-WebSocket-Key, and the answer is any 2xx without Sec-WebSocket-Accept; the version,
 * subprotocols and extensions go and are checked as over HTTP/1.1.
 */
public final class ClientHandshake {
    private final WebSocketConfig config;
    /** The Sec-WebSocket-Key sent; null over HTTP/2, which has none. */
    private final String key;

    private ClientHandshake(WebSocketConfig config, String key) {
        this.config = config;
        this.key = key;
    }

    /** A handshake with a fresh key. */
    public static ClientHandshake start(WebSocketConfig config) {
        return new ClientHandshake(config, HandshakeKeys.newKey());
    }

    /** A handshake for an extended CONNECT on an HTTP/2 stream (RFC 8441), which sends no key. */
    public static ClientHandshake overHttp2(WebSocketConfig config) {
        return new ClientHandshake(config, null);
    }

    /** The key this handshake sends; null over HTTP/2. */
    public String key() {
        return key;
    }

    /**
     * The headers the library owns in the upgrade request: Upgrade, Connection, Sec-WebSocket-Key (these three over
     * HTTP/1.1 only), Sec-WebSocket-Version, and Sec-WebSocket-Protocol and Sec-WebSocket-Extensions when configured.
     */
    public Headers requestHeaders() {
        Headers.Builder headers = Headers.builder();
        if (key != null) {
            headers.add("Upgrade", "websocket")
                    .add("Connection", "Upgrade")
                    .add("Sec-WebSocket-Key", key);
        }
        headers.add("Sec-WebSocket-Version", "13");
        if (!config.subprotocols().isEmpty()) {
            headers.add("Sec-WebSocket-Protocol", String.join(", ", config.subprotocols()));
        }
        if (config.permessageDeflate()) {
            headers.add("Sec-WebSocket-Extensions", PerMessageDeflate.offer(config).toHeaderValue());
        }
        return headers.build();
    }

    /**
     * Checks the server's answer (§4.1, the client's requirements on the response).
     *
     * @throws WebSocketHandshakeException naming the first thing wrong with it
     */
    public Agreement check(ResponseHead response) throws WebSocketHandshakeException {
        if (key == null) {
            if (!response.status().isSuccess()) {
                throw new WebSocketHandshakeException("expected a 2xx answer to the extended CONNECT, got "
                        + response.status());
            }
            return agreement(response.headers());
        }
        if (response.status().code() != Status.SWITCHING_PROTOCOLS.code()) {
            throw new WebSocketHandshakeException("expected 101 Switching Protocols, got " + response.status());
        }
        Headers headers = response.headers();
        // Field names and the two tokens match in any case (RFC 6455 §4.1, items 2 and 3 of the answer's checks).
        if (!headers.containsToken("Upgrade", "websocket")) {
            throw new WebSocketHandshakeException("101 response without Upgrade: websocket (" + shown(headers,
                    "Upgrade") + ")");
        }
        if (!headers.containsToken("Connection", "upgrade")) {
            throw new WebSocketHandshakeException("101 response without the 'upgrade' token in Connection ("
                    + shown(headers, "Connection") + ")");
        }
        List<String> accepts = headers.all("Sec-WebSocket-Accept");
        if (accepts.isEmpty()) {
            throw new WebSocketHandshakeException("101 response without Sec-WebSocket-Accept");
        }
        if (accepts.size() > 1) {
            throw new WebSocketHandshakeException("101 response with " + accepts.size()
                    + " Sec-WebSocket-Accept fields");
        }
        if (!accepts.get(0).trim().equals(HandshakeKeys.accept(key))) {
            throw new WebSocketHandshakeException("Sec-WebSocket-Accept does not match the key sent");
        }
        return agreement(headers);
    }

    /** A field as the answer had it, for a message ({@link #shown(String)}). */
    private static String shown(Headers headers, String name) {
        List<String> values = headers.all(name);
        return values.isEmpty() ? "no " + name + " field" : name + ": " + shown(String.join(", ", values));
    }

    /** The server's text for a message: at most 64 characters, control characters as '?'. */
    private static String shown(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private Agreement agreement(Headers headers) throws WebSocketHandshakeException {
        return new Agreement(checkSubprotocol(headers), checkExtensions(headers));
    }

    private Optional<String> checkSubprotocol(Headers headers) throws WebSocketHandshakeException {
        List<String> chosen = ServerHandshake.subprotocols(headers);
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        if (chosen.size() > 1) {
            throw new WebSocketHandshakeException("the server chose more than one subprotocol: "
                    + shown(String.join(", ", chosen)));
        }
        if (!config.subprotocols().contains(chosen.get(0))) {
            throw new WebSocketHandshakeException("the server chose a subprotocol that was not offered: "
                    + shown(chosen.get(0)) + " (offered: " + (config.subprotocols().isEmpty() ? "none"
                    : String.join(", ", config.subprotocols())) + ")");
        }
        return Optional.of(chosen.get(0));
    }

    private Optional<PerMessageDeflate> checkExtensions(Headers headers) throws WebSocketHandshakeException {
        List<WebSocketExtension> answered = ExtensionHeaderParser.parse(headers.all("Sec-WebSocket-Extensions"));
        if (answered.isEmpty()) {
            return Optional.empty();
        }
        for (WebSocketExtension extension : answered) {
            if (!config.permessageDeflate() || !extension.name().equalsIgnoreCase(PerMessageDeflate.NAME)) {
                throw new WebSocketHandshakeException("the server answered an extension that was not offered: "
                        + shown(extension.name()));
            }
        }
        if (answered.size() > 1) {
            // RFC 7692 §5: a server accepts one offer of permessage-deflate at most.
            throw new WebSocketHandshakeException("the server answered permessage-deflate more than once");
        }
        return Optional.of(PerMessageDeflate.accepted(answered.get(0), config));
    }
}
