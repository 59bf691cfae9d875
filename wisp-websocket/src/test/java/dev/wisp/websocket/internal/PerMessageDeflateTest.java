package dev.wisp.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketHandshakeException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PerMessageDeflateTest {
    private static final WebSocketConfig ON = WebSocketConfig.builder().permessageDeflate(true).build();

    /** What a server with this configuration answers to these offers; "" for no extension. */
    private static String answer(String offers, WebSocketConfig config) throws WebSocketHandshakeException {
        return PerMessageDeflate.negotiate(ExtensionHeaderParser.parse(List.of(offers)), config)
                .map(agreed -> agreed.response().toHeaderValue()).orElse("");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "permessage-deflate                                         | permessage-deflate",
        "permessage-deflate; client_max_window_bits                 | permessage-deflate",
        "permessage-deflate; client_max_window_bits=10              | permessage-deflate",
        "permessage-deflate; server_no_context_takeover             | permessage-deflate; server_no_context_takeover",
        "permessage-deflate; client_no_context_takeover             | permessage-deflate; client_no_context_takeover",
        "permessage-deflate; server_max_window_bits=15              | permessage-deflate; server_max_window_bits=15",
        "permessage-deflate; server_max_window_bits=\"15\"          | permessage-deflate; server_max_window_bits=15",
        "PerMessage-Deflate                                         | permessage-deflate",
        "x-webkit-deflate-frame, permessage-deflate                 | permessage-deflate",
    })
    void acceptsOffersItCanHonour(String offer, String expected) throws WebSocketHandshakeException {
        assertEquals(expected, answer(offer, ON));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "permessage-deflate; server_max_window_bits=10",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=015",
        "permessage-deflate; client_max_window_bits=7",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; unknown",
        "x-webkit-deflate-frame",
    })
    void declinesOffersItCannotHonour(String offer) throws WebSocketHandshakeException {
        assertEquals("", answer(offer, ON));
    }

    @Test
    void fallsBackToALaterOffer() throws WebSocketHandshakeException {
        assertEquals("permessage-deflate", answer(
                "permessage-deflate; server_max_window_bits=10, permessage-deflate", ON));
    }

    @Test
    void addsTheServersOwnNoContextTakeoverChoices() throws WebSocketHandshakeException {
        WebSocketConfig config = ON.toBuilder().serverNoContextTakeover(true).clientNoContextTakeover(true).build();
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                answer("permessage-deflate", config));
    }

    @Test
    void clientOffersNoWindowLimitAndChecksTheAnswer() throws WebSocketHandshakeException {
        assertEquals("permessage-deflate", PerMessageDeflate.offer(ON).toHeaderValue());
        WebSocketConfig config = ON.toBuilder().serverNoContextTakeover(true).build();
        assertEquals("permessage-deflate; server_no_context_takeover",
                PerMessageDeflate.offer(config).toHeaderValue());
        assertEquals(new PerMessageDeflate(true, true, 9), accepted(
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9",
                config));
        assertEquals(new PerMessageDeflate(false, false, 0), accepted("permessage-deflate", ON));
    }

    @Test
    void clientRefusesAnswersItDidNotAllow() {
        assertRefused("the server's permessage-deflate answer sets client_max_window_bits, which was not offered",
                "permessage-deflate; client_max_window_bits=10", ON);
        assertRefused("the server's permessage-deflate answer drops server_no_context_takeover, which was offered",
                "permessage-deflate", ON.toBuilder().serverNoContextTakeover(true).build());
        assertRefused("the server's permessage-deflate answer has an unknown parameter x", "permessage-deflate; x", ON);
        assertRefused("the server's permessage-deflate answer repeats server_no_context_takeover",
                "permessage-deflate; server_no_context_takeover; server_no_context_takeover", ON);
        assertRefused("the server's permessage-deflate answer has an invalid server_max_window_bits",
                "permessage-deflate; server_max_window_bits=7", ON);
    }

    @Test
    void makesCodersForEachRoleAndDirection() {
        PerMessageDeflate agreed = new PerMessageDeflate(true, false, 0);
        try (MessageDeflater deflater = agreed.newDeflater(Role.SERVER);
                MessageInflater inflater = agreed.newInflater(Role.CLIENT)) {
            MessageBuffer out = new MessageBuffer();
            deflater.deflate(Wire.utf8("Hello"), 0, 5, true, out);
            assertEquals("f248cdc9c90700", Wire.hex(out.toByteArray()));
        }
    }

    private static PerMessageDeflate accepted(String answer, WebSocketConfig config)
            throws WebSocketHandshakeException {
        return PerMessageDeflate.accepted(ExtensionHeaderParser.parse(List.of(answer)).get(0), config);
    }

    private static void assertRefused(String message, String answer, WebSocketConfig config) {
        assertEquals(message, assertThrows(WebSocketHandshakeException.class, () -> accepted(answer, config))
                .getMessage());
    }
}
