package dev.wisp.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Headers;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketHandshakeException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The keys, the extension grammar, and a client's handshake against our server's answer and bad answers. */
class HandshakeTest {
    private static final WebSocketConfig CLIENT = WebSocketConfig.builder().permessageDeflate(true)
            .subprotocols(List.of("chat")).build();

    @Test
    void makesFreshValidKeys() {
        String key = HandshakeKeys.newKey();
        assertTrue(HandshakeKeys.isValidKey(key));
        assertNotEquals(key, HandshakeKeys.newKey());
        assertFalse(HandshakeKeys.isValidKey(null));
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", HandshakeKeys.accept("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void parsesExtensionsWithQuotedValuesAndEmptyElements() throws WebSocketHandshakeException {
        List<WebSocketExtension> parsed = ExtensionHeaderParser.parse(List.of(
                " foo ; a = 1 ;b=\"x\\yz\", ,bar", "baz;c"));
        assertEquals(List.of("foo; a=1; b=xyz", "bar", "baz; c"),
                parsed.stream().map(WebSocketExtension::toHeaderValue).toList());
    }

    @Test
    void rejectsMalformedExtensions() {
        for (String value : List.of("foo bar", "foo;", "foo; a=\"b c\"", "foo; a=\"b", "foo; a=", ";a", "f@o")) {
            assertThrows(WebSocketHandshakeException.class, () -> ExtensionHeaderParser.parse(List.of(value)),
                    value);
        }
    }

    @Test
    void clientAcceptsWhatOurServerAnswers() throws WebSocketHandshakeException {
        ClientHandshake client = ClientHandshake.start(CLIENT);
        Headers request = client.requestHeaders();
        assertEquals("permessage-deflate; client_max_window_bits", request.firstOrNull("Sec-WebSocket-Extensions"));
        RequestHead head = new RequestHead(Method.GET, RequestTarget.origin("/"), Version.HTTP_1_1,
                request.toBuilder().add("Host", "h").build());
        UpgradeDecision.Accept accept = (UpgradeDecision.Accept) ServerHandshake.decide(head,
                CLIENT.toBuilder().serverNoContextTakeover(true).build());
        Agreement agreed = client.check(new ResponseHead(Version.HTTP_1_1, Status.SWITCHING_PROTOCOLS,
                accept.headers()));
        assertEquals(Optional.of("chat"), agreed.subprotocol());
        assertEquals(Optional.of(new PerMessageDeflate(true, false, 0)), agreed.deflate());
    }

    @Test
    void clientRefusesBadAnswers() {
        ClientHandshake client = ClientHandshake.start(CLIENT);
        String accept = HandshakeKeys.accept(client.key());
        Headers good = Headers.of("Upgrade", "websocket", "Connection", "Upgrade", "Sec-WebSocket-Accept", accept);
        assertRefused(client, "expected 101 Switching Protocols, got " + Status.FORBIDDEN, Status.FORBIDDEN, good);
        assertRefused(client, "101 response without Upgrade: websocket (Upgrade: h2c)", Status.SWITCHING_PROTOCOLS,
                good.toBuilder().set("Upgrade", "h2c").build());
        assertRefused(client, "101 response without Upgrade: websocket (no Upgrade field)",
                Status.SWITCHING_PROTOCOLS, good.toBuilder().remove("Upgrade").build());
        assertRefused(client, "101 response without the 'upgrade' token in Connection (no Connection field)",
                Status.SWITCHING_PROTOCOLS, good.toBuilder().remove("Connection").build());
        assertRefused(client, "101 response without the 'upgrade' token in Connection (Connection: "
                + "x".repeat(64) + "...)", Status.SWITCHING_PROTOCOLS,
                good.toBuilder().set("Connection", "x".repeat(100)).build());
        assertRefused(client, "101 response without Sec-WebSocket-Accept", Status.SWITCHING_PROTOCOLS,
                good.toBuilder().remove("Sec-WebSocket-Accept").build());
        assertRefused(client, "Sec-WebSocket-Accept does not match the key sent", Status.SWITCHING_PROTOCOLS,
                good.toBuilder().set("Sec-WebSocket-Accept", HandshakeKeys.accept(HandshakeKeys.newKey())).build());
        assertRefused(client, "101 response with 2 Sec-WebSocket-Accept fields", Status.SWITCHING_PROTOCOLS,
                good.toBuilder().add("Sec-WebSocket-Accept", accept).build());
        assertRefused(client, "the server chose a subprotocol that was not offered: mqtt (offered: chat)",
                Status.SWITCHING_PROTOCOLS, good.toBuilder().add("Sec-WebSocket-Protocol", "mqtt").build());
        assertRefused(client, "the server chose more than one subprotocol: chat, chat", Status.SWITCHING_PROTOCOLS,
                good.toBuilder().add("Sec-WebSocket-Protocol", "chat, chat").build());
        assertRefused(client, "the server answered an extension that was not offered: x-foo",
                Status.SWITCHING_PROTOCOLS, good.toBuilder().add("Sec-WebSocket-Extensions", "x-foo").build());
        assertRefused(client, "the server answered an extension that was not offered: x-foo",
                Status.SWITCHING_PROTOCOLS, good.toBuilder().add("Sec-WebSocket-Extensions",
                        "permessage-deflate, x-foo").build());
        assertRefused(client, "the server answered permessage-deflate more than once", Status.SWITCHING_PROTOCOLS,
                good.toBuilder().add("Sec-WebSocket-Extensions", "permessage-deflate, permessage-deflate").build());
        ClientHandshake offeringNone = ClientHandshake.start(WebSocketConfig.defaults());
        assertRefused(offeringNone, "the server chose a subprotocol that was not offered: chat (offered: none)",
                Status.SWITCHING_PROTOCOLS, Headers.of("Upgrade", "websocket", "Connection", "Upgrade",
                        "Sec-WebSocket-Accept", HandshakeKeys.accept(offeringNone.key()), "Sec-WebSocket-Protocol",
                        "chat"));
    }

    @Test
    void clientOverHttp2SendsNoUpgradeNorKeyAndAgreesWithOurServersAnswer() throws WebSocketHandshakeException {
        ClientHandshake client = ClientHandshake.overHttp2(CLIENT);
        Headers request = client.requestHeaders();
        assertEquals(List.of("Sec-WebSocket-Version", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions"),
                List.copyOf(request.names()));
        RequestHead head = new RequestHead(Method.CONNECT, RequestTarget.origin("/"), Version.HTTP_2, request);
        UpgradeDecision.Accept accept = (UpgradeDecision.Accept) ServerHandshake.decide(head, CLIENT);
        Agreement agreed = client.check(new ResponseHead(Version.HTTP_2, Status.OK, accept.headers()));
        assertEquals(Optional.of("chat"), agreed.subprotocol());
        assertTrue(agreed.deflate().isPresent());
    }

    @Test
    void clientOverHttp2RefusesAnAnswerOtherThan2xxAndWhatWasNotOffered() {
        ClientHandshake client = ClientHandshake.overHttp2(CLIENT);
        assertEquals("expected a 2xx answer to the extended CONNECT, got " + Status.SWITCHING_PROTOCOLS,
                assertThrows(WebSocketHandshakeException.class, () -> client.check(new ResponseHead(Version.HTTP_2,
                        Status.SWITCHING_PROTOCOLS, Headers.of()))).getMessage());
        assertRefused(client, "the server chose a subprotocol that was not offered: mqtt (offered: chat)", Status.OK,
                Headers.of("Sec-WebSocket-Protocol", "mqtt"));
    }

    @Test
    void refusesToOfferTheSameSubprotocolTwice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebSocketConfig.builder().subprotocols(List.of("chat", "superchat", "chat")).build());
        assertEquals("subprotocols must be unique: [chat, superchat, chat]", e.getMessage());
    }

    private static void assertRefused(ClientHandshake client, String message, Status status, Headers headers) {
        assertEquals(message, assertThrows(WebSocketHandshakeException.class,
                () -> client.check(new ResponseHead(Version.HTTP_1_1, status, headers))).getMessage());
    }
}
