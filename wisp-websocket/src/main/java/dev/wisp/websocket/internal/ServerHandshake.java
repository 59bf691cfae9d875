package dev.wisp.websocket.internal;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.HeaderValidation;
import dev.wisp.core.Headers;
import dev.wisp.core.Method;
import dev.wisp.core.OriginField;
import dev.wisp.core.RequestHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A server's check of an opening handshake request (RFC 6455 §4.2.1) and its answer (§4.2.2). The checks run in
 * this order, and the first that fails decides the status:
 * <ol>
 *   <li>method GET, else 405 with {@code Allow: GET}; HEAD is answered as a GET without an upgrade (426);
 *   <li>HTTP/1.1, else 400;
 *   <li>{@code Upgrade} holds the token {@code websocket}, else 426 with {@code Upgrade: websocket};
 *   <li>{@code Connection} holds the token {@code upgrade}, else 400;
 *   <li>one {@code Sec-WebSocket-Version}, which is 13, else 426 with {@code Sec-WebSocket-Version: 13} (400 when
 *       missing);
 *   <li>one {@code Sec-WebSocket-Key}, the base64 of 16 bytes, else 400;
 *   <li>{@code Origin}, when present, given once and the request's own (its host and port those of the request's
 *       {@code Host} or {@code :authority}, or of a proxy's {@code X-Forwarded-Host}) or in the allow-list ({@code *}
 *       for any origin), else 403;
 *   <li>well-formed {@code Sec-WebSocket-Protocol}, naming each subprotocol once, and
 *       {@code Sec-WebSocket-Extensions}, else 400.
 * </ol>
 * A subprotocol is chosen in the server's order of preference among those the client offered; none in common
 * means none chosen (the client then decides whether to go on). permessage-deflate is accepted if enabled and an
 * offer can be honoured; otherwise the answer has no extension.
 *
 * <p>Over HTTP/2 the opening handshake is an extended CONNECT with {@code :protocol websocket} (RFC 8441 §4, §5),
 * which the connection checked and routed as a GET: steps 1 to 4 and 6 have no place there (no Upgrade, Connection
 * nor Sec-WebSocket-Key; the answer is a 200 without Sec-WebSocket-Accept), and the others run as above.
 */
public final class ServerHandshake {
    private static final String VERSION = "13";

    private ServerHandshake() {
    }

    /** Decides the answer to an upgrade request. */
    public static UpgradeDecision decide(RequestHead request, WebSocketConfig config) {
        Headers headers = request.headers();
        if (request.version() == Version.HTTP_2 && request.method().equals(Method.CONNECT)) {
            return checkAndAccept(request, null, config);
        }
        if (request.method().equals(Method.HEAD)) {
            // RFC 9110 §9.3.2: HEAD is answered as GET would be, and a route that serves GET lists HEAD in Allow.
            // A HEAD is never an upgrade, so it gets the answer of a GET without one.
            return upgradeRequired();
        }
        if (!request.method().equals(Method.GET)) {
            return reject(Status.METHOD_NOT_ALLOWED, "WebSocket upgrade needs GET, not " + request.method(),
                    "Allow", "GET");
        }
        if (request.version() != Version.HTTP_1_1) {
            return reject(Status.BAD_REQUEST, "WebSocket upgrade needs HTTP/1.1, not " + request.version());
        }
        if (!headers.containsToken("Upgrade", "websocket")) {
            return upgradeRequired();
        }
        if (!headers.containsToken("Connection", "upgrade")) {
            return reject(Status.BAD_REQUEST, "WebSocket upgrade needs the 'upgrade' token in Connection");
        }
        List<String> keys = headers.all("Sec-WebSocket-Key");
        return checkAndAccept(request, keys, config);
    }

    /**
     * The checks both protocols share, in order: the version, the key (HTTP/1.1 only: {@code keys} is null over
     * HTTP/2), the origin, subprotocols and extensions; then the answer.
     */
    private static UpgradeDecision checkAndAccept(RequestHead request, List<String> keys, WebSocketConfig config) {
        Headers headers = request.headers();
        List<String> versions = headers.all("Sec-WebSocket-Version");
        if (versions.isEmpty()) {
            return reject(Status.BAD_REQUEST, "WebSocket upgrade without Sec-WebSocket-Version",
                    "Sec-WebSocket-Version", VERSION);
        }
        if (versions.size() != 1 || !versions.get(0).trim().equals(VERSION)) {
            return reject(Status.UPGRADE_REQUIRED, "unsupported Sec-WebSocket-Version; this server speaks 13",
                    "Sec-WebSocket-Version", VERSION);
        }
        if (keys != null && (keys.size() != 1 || !HandshakeKeys.isValidKey(keys.get(0).trim()))) {
            return reject(Status.BAD_REQUEST, keys.isEmpty() ? "WebSocket upgrade without Sec-WebSocket-Key"
                    : "Sec-WebSocket-Key must be one base64 value of 16 bytes");
        }
        if (!isOriginAllowed(headers.all(HeaderNames.ORIGIN), request, config.allowedOrigins())) {
            return new UpgradeDecision.Reject(Status.FORBIDDEN, Headers.of(), "origin not allowed: a page of another"
                    + " origin (see WebSocketConfig.allowedOrigins)", true);
        }
        try {
            return accept(headers, keys == null ? null : keys.get(0).trim(), config);
        } catch (WebSocketHandshakeException e) {
            return reject(Status.BAD_REQUEST, e.getMessage());
        }
    }

    /** @param key the Sec-WebSocket-Key, or null over HTTP/2, whose answer has no Upgrade, Connection nor Accept */
    private static UpgradeDecision accept(Headers request, String key, WebSocketConfig config)
            throws WebSocketHandshakeException {
        Optional<String> subprotocol = chooseSubprotocol(distinct(subprotocols(request)), config.subprotocols());
        Optional<PerMessageDeflate> deflate = Optional.empty();
        List<WebSocketExtension> offers = ExtensionHeaderParser.parse(request.all("Sec-WebSocket-Extensions"));
        if (config.permessageDeflate()) {
            deflate = PerMessageDeflate.negotiate(offers, config);
        }
        Headers.Builder response = Headers.builder();
        if (key != null) {
            response.add("Upgrade", "websocket")
                    .add("Connection", "Upgrade")
                    .add("Sec-WebSocket-Accept", HandshakeKeys.accept(key));
        }
        subprotocol.ifPresent(chosen -> response.add("Sec-WebSocket-Protocol", chosen));
        deflate.ifPresent(agreed -> response.add("Sec-WebSocket-Extensions", agreed.response().toHeaderValue()));
        return new UpgradeDecision.Accept(response.build(), new Agreement(subprotocol, deflate));
    }

    /**
     * The subprotocols of every {@code Sec-WebSocket-Protocol} field, in order.
     *
     * @throws WebSocketHandshakeException if an element is not a token
     */
    public static List<String> subprotocols(Headers headers) throws WebSocketHandshakeException {
        List<String> offered = new ArrayList<>();
        for (String value : headers.all("Sec-WebSocket-Protocol")) {
            for (String element : value.split(",", -1)) {
                String trimmed = element.trim();
                if (trimmed.isEmpty()) {
                    continue; // RFC 9110 §5.6.1: empty list elements are ignored
                }
                if (!HeaderValidation.isToken(trimmed)) {
                    throw new WebSocketHandshakeException("Sec-WebSocket-Protocol element is not a token");
                }
                offered.add(trimmed);
            }
        }
        return offered;
    }

    /**
     * The offered subprotocols, each named once: RFC 6455 §4.1 says the elements of Sec-WebSocket-Protocol "MUST
     * all be unique strings", so an offer that names one twice is malformed and refused with 400, as node's ws does.
     *
     * @throws WebSocketHandshakeException if a subprotocol is offered more than once
     */
    private static List<String> distinct(List<String> offered) throws WebSocketHandshakeException {
        Set<String> seen = new HashSet<>();
        for (String subprotocol : offered) {
            if (!seen.add(subprotocol)) {
                throw new WebSocketHandshakeException("Sec-WebSocket-Protocol offers the subprotocol '"
                        + Ascii.escape(subprotocol) + "' more than once");
            }
        }
        return offered;
    }

    private static Optional<String> chooseSubprotocol(List<String> offered, List<String> supported) {
        // Subprotocol names are compared exactly (RFC 6455 §11.5 registers them case-sensitively).
        return supported.stream().filter(offered::contains).findFirst();
    }

    /**
     * Whether the request's origin passes: no {@code Origin} (not a browser's script), the server's own pages, or one
     * the allow-list names ({@code *}: any). A browser opens a WebSocket to any origin, with the cookies and
     * credentials it holds for it, and leaves the check to the server: without it, another site's page could act as
     * the user (cross-site WebSocket hijacking). Two or more {@code Origin} fields name no single origin to check (RFC
     * 6454 §7.3: a user agent sends at most one), so they pass only where any origin does; checking the first alone
     * would let a listed origin vouch for another.
     */
    private static boolean isOriginAllowed(List<String> origins, RequestHead request, List<String> allowed) {
        if (origins.isEmpty() || allowed.contains("*")) {
            return true;
        }
        if (origins.size() != 1) {
            return false;
        }
        String origin = origins.get(0).trim();
        return OriginField.isRequestsOwn(origin, request) || allowed.stream().anyMatch(origin::equalsIgnoreCase);
    }

    private static UpgradeDecision upgradeRequired() {
        return reject(Status.UPGRADE_REQUIRED, "this resource needs a WebSocket upgrade (Upgrade: websocket)",
                "Upgrade", "websocket", "Connection", "Upgrade");
    }

    private static UpgradeDecision reject(Status status, String message, String... headers) {
        return new UpgradeDecision.Reject(status, Headers.of(headers), message, false);
    }
}
