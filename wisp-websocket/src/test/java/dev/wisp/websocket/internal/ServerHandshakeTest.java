package dev.wisp.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Headers;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.Version;
import dev.wisp.websocket.WebSocketConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerHandshakeTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final WebSocketConfig CONFIG = WebSocketConfig.defaults();

    private static RequestHead request(Method method, Version version, String... extraHeaders) {
        Headers.Builder headers = Headers.builder().add("Host", "server.example.com").add("Upgrade", "websocket")
                .add("Connection", "keep-alive, Upgrade").add("Sec-WebSocket-Key", KEY)
                .add("Sec-WebSocket-Version", "13");
        Headers extra = Headers.of(extraHeaders);
        for (String name : extra.names()) {
            headers.remove(name);
        }
        headers.addAll(extra);
        return new RequestHead(method, RequestTarget.origin("/chat"), version, headers.build());
    }

    private static RequestHead request(String... extraHeaders) {
        return request(Method.GET, Version.HTTP_1_1, extraHeaders);
    }

    private static UpgradeDecision.Reject rejected(RequestHead request, WebSocketConfig config) {
        return assertInstanceOf(UpgradeDecision.Reject.class, ServerHandshake.decide(request, config));
    }

    private static UpgradeDecision.Accept accepted(RequestHead request, WebSocketConfig config) {
        return assertInstanceOf(UpgradeDecision.Accept.class, ServerHandshake.decide(request, config));
    }

    @Test
    void acceptsTheRfcExampleWithTheRfcAcceptValue() {
        UpgradeDecision.Accept accept = accepted(request(), CONFIG);
        assertEquals(Headers.of("Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), accept.headers());
        assertEquals(Optional.empty(), accept.agreement().subprotocol());
        assertEquals(Optional.empty(), accept.agreement().deflate());
    }

    @Test
    void rejectsOtherMethodsAndVersions() {
        UpgradeDecision.Reject post = rejected(request(Method.POST, Version.HTTP_1_1), CONFIG);
        assertEquals(405, post.status().code());
        assertEquals("GET", post.headers().firstOrNull("Allow"));
        UpgradeDecision.Reject old = rejected(request(Method.GET, Version.HTTP_1_0), CONFIG);
        assertEquals(400, old.status().code());
        assertEquals("WebSocket upgrade needs HTTP/1.1, not HTTP/1.0", old.message());
    }

    @Test
    void acceptsAnHttp2ExtendedConnectWithoutKeyUpgradeOrAccept() {
        // RFC 8441 §5: no Upgrade, Connection or Sec-WebSocket-Key on the request, no Sec-WebSocket-Accept answered.
        Headers http2 = Headers.of("sec-websocket-version", "13", "sec-websocket-protocol", "chat",
                "sec-websocket-extensions", "permessage-deflate");
        WebSocketConfig config = CONFIG.toBuilder().subprotocols(List.of("chat")).permessageDeflate(true).build();
        UpgradeDecision.Accept accept = accepted(new RequestHead(Method.CONNECT, RequestTarget.origin("/chat"),
                Version.HTTP_2, http2), config);
        assertEquals(Headers.of("Sec-WebSocket-Protocol", "chat", "Sec-WebSocket-Extensions", "permessage-deflate"),
                accept.headers());
        assertEquals(Optional.of("chat"), accept.agreement().subprotocol());
        UpgradeDecision.Reject missing = rejected(new RequestHead(Method.CONNECT, RequestTarget.origin("/chat"),
                Version.HTTP_2, Headers.empty()), CONFIG);
        assertEquals(400, missing.status().code());
        assertEquals("13", missing.headers().firstOrNull("Sec-WebSocket-Version"));
        UpgradeDecision.Reject old = rejected(new RequestHead(Method.CONNECT, RequestTarget.origin("/chat"),
                Version.HTTP_2, Headers.of("sec-websocket-version", "8")), CONFIG);
        assertEquals(426, old.status().code());
    }

    @Test
    void answersAPlainGetWith426AndUpgrade() {
        UpgradeDecision.Reject reject = rejected(request("Upgrade", "h2c"), CONFIG);
        assertEquals(426, reject.status().code());
        assertEquals("websocket", reject.headers().firstOrNull("Upgrade"));
    }

    @Test
    void answersHeadAsAGetWithoutAnUpgradeWith426NotA405() {
        // The router lists HEAD in Allow for a GET route, so a 405 here would contradict it (RFC 9110 §9.3.2).
        UpgradeDecision.Reject reject = rejected(request(Method.HEAD, Version.HTTP_1_1), CONFIG);
        assertEquals(426, reject.status().code());
        assertEquals(Headers.of("Upgrade", "websocket", "Connection", "Upgrade"), reject.headers());
    }

    @Test
    void needsTheUpgradeTokenInConnection() {
        UpgradeDecision.Reject reject = rejected(request("Connection", "keep-alive"), CONFIG);
        assertEquals(400, reject.status().code());
        assertEquals("WebSocket upgrade needs the 'upgrade' token in Connection", reject.message());
    }

    @Test
    void answersOtherVersionsWith426NamingVersion13() {
        for (String version : List.of("8", "14", "13, 8", "")) {
            UpgradeDecision.Reject reject = rejected(request("Sec-WebSocket-Version", version), CONFIG);
            assertEquals(426, reject.status().code(), version);
            assertEquals("13", reject.headers().firstOrNull("Sec-WebSocket-Version"));
        }
    }

    @Test
    void rejectsMissingOrMalformedKeys() {
        for (String key : List.of("", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZSE=",
                "AAAAAAAAAAAAAAAAAAAAAAAAAA==", "!!!!!!!!!!!!!!!!!!!!!!==")) {
            UpgradeDecision.Reject reject = rejected(request("Sec-WebSocket-Key", key), CONFIG);
            assertEquals(400, reject.status().code(), key);
            assertEquals("Sec-WebSocket-Key must be one base64 value of 16 bytes", reject.message());
        }
        Headers withoutKey = request().headers().toBuilder().remove("Sec-WebSocket-Key").build();
        UpgradeDecision.Reject missing = rejected(new RequestHead(Method.GET, RequestTarget.origin("/"),
                Version.HTTP_1_1, withoutKey), CONFIG);
        assertEquals("WebSocket upgrade without Sec-WebSocket-Key", missing.message());
    }

    @Test
    void takesOnlyItsOwnPagesByDefault() {
        accepted(request(), CONFIG);
        accepted(request("Origin", "https://server.example.com"), CONFIG);
        accepted(request("Origin", "http://SERVER.example.com"), CONFIG);
        UpgradeDecision.Reject evil = rejected(request("Origin", "https://evil.example"), CONFIG);
        assertEquals(403, evil.status().code());
        assertEquals("origin not allowed: a page of another origin (see WebSocketConfig.allowedOrigins)",
                evil.message());
        assertTrue(evil.forOrigin(), "a refusal for the origin says so");
        assertFalse(rejected(request(Method.POST, Version.HTTP_1_1), CONFIG).forOrigin());
        assertEquals(403, rejected(request("Origin", "https://server.example.com:8443"), CONFIG).status().code(),
                "another port is another origin");
        assertEquals(403, rejected(request("Origin", "null"), CONFIG).status().code());
        Headers http2 = Headers.of("sec-websocket-version", "13", "host", "h2.example:8443");
        accepted(new RequestHead(Method.CONNECT, RequestTarget.origin("/chat"), Version.HTTP_2,
                http2.toBuilder().add("origin", "https://h2.example:8443").build()), CONFIG);
        rejected(new RequestHead(Method.CONNECT, RequestTarget.origin("/chat"), Version.HTTP_2,
                http2.toBuilder().add("origin", "https://evil.example").build()), CONFIG);
    }

    @Test
    void checksOtherOriginsAgainstTheAllowList() {
        WebSocketConfig config = CONFIG.toBuilder().allowedOrigins(List.of("https://app.example")).build();
        accepted(request("Origin", "HTTPS://APP.example"), config);
        accepted(request(), config);
        accepted(request("Origin", "https://server.example.com"), config);
        assertEquals(403, rejected(request("Origin", "https://evil.example"), config).status().code());
        WebSocketConfig any = CONFIG.toBuilder().allowedOrigins(List.of("*")).build();
        accepted(request("Origin", "https://evil.example"), any);
        accepted(request("Origin", "null"), any);
    }

    @Test
    void refusesTwoOriginFieldsUnlessAnyOriginIsAllowed() {
        WebSocketConfig config = CONFIG.toBuilder().allowedOrigins(List.of("https://app.example")).build();
        RequestHead twoOrigins = request("Origin", "https://app.example", "Origin", "https://server.example.com");
        assertEquals(403, rejected(twoOrigins, config).status().code());
        assertEquals(403, rejected(twoOrigins, CONFIG).status().code());
        accepted(twoOrigins, CONFIG.toBuilder().allowedOrigins(List.of("*")).build());
    }

    @Test
    void choosesTheServersPreferredSubprotocolAmongThoseOffered() {
        WebSocketConfig config = CONFIG.toBuilder().subprotocols(List.of("v2.chat", "v1.chat")).build();
        UpgradeDecision.Accept accept = accepted(request("Sec-WebSocket-Protocol", "v1.chat, v2.chat"), config);
        assertEquals(Optional.of("v2.chat"), accept.agreement().subprotocol());
        assertEquals("v2.chat", accept.headers().firstOrNull("Sec-WebSocket-Protocol"));
        UpgradeDecision.Accept none = accepted(request("Sec-WebSocket-Protocol", "mqtt"), config);
        assertEquals(Optional.empty(), none.agreement().subprotocol());
        assertEquals(null, none.headers().firstOrNull("Sec-WebSocket-Protocol"));
        assertEquals(400, rejected(request("Sec-WebSocket-Protocol", "a b"), config).status().code());
    }

    @Test
    void refusesAnOfferThatNamesASubprotocolTwice() {
        // RFC 6455 §4.1: the offered subprotocols "MUST all be unique strings"; node's ws answers 400 too.
        WebSocketConfig config = CONFIG.toBuilder().subprotocols(List.of("chat")).build();
        for (RequestHead twice : List.of(request("Sec-WebSocket-Protocol", "chat, superchat, chat"),
                request("Sec-WebSocket-Protocol", "mqtt", "Sec-WebSocket-Protocol", "mqtt"))) {
            UpgradeDecision.Reject reject = rejected(twice, config);
            assertEquals(400, reject.status().code());
            assertTrue(reject.message().startsWith("Sec-WebSocket-Protocol offers the subprotocol '"),
                    reject.message());
        }
        // Names are compared exactly, so two spellings are two subprotocols.
        assertEquals(Optional.of("chat"), accepted(request("Sec-WebSocket-Protocol", "Chat, chat"), config)
                .agreement().subprotocol());
    }

    @Test
    void acceptsPermessageDeflateOnlyWhenEnabled() {
        RequestHead offer = request("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
        assertEquals(null, accepted(offer, CONFIG).headers().firstOrNull("Sec-WebSocket-Extensions"));
        WebSocketConfig deflate = CONFIG.toBuilder().permessageDeflate(true).build();
        UpgradeDecision.Accept accept = accepted(offer, deflate);
        assertEquals("permessage-deflate", accept.headers().firstOrNull("Sec-WebSocket-Extensions"));
        assertEquals(Optional.of(new PerMessageDeflate(false, false, 0)), accept.agreement().deflate());
    }

    @Test
    void rejectsAMalformedExtensionHeader() {
        UpgradeDecision.Reject reject = rejected(request("Sec-WebSocket-Extensions", "permessage-deflate; =1"),
                CONFIG.toBuilder().permessageDeflate(true).build());
        assertEquals(400, reject.status().code());
        assertEquals("malformed Sec-WebSocket-Extensions at offset 20: expected a token for the parameter name "
                + "in 'permessage-deflate; =1'", reject.message());
    }
}
