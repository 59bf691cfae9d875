package dev.wisp.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
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
        "permessage-deflate; server_max_window_bits=9               | permessage-deflate; server_max_window_bits=9",
        "permessage-deflate; server_max_window_bits=8               | permessage-deflate; server_max_window_bits=8",
        "PerMessage-Deflate                                         | permessage-deflate",
        "x-webkit-deflate-frame, permessage-deflate                 | permessage-deflate",
    })
    void acceptsOffersItCanHonour(String offer, String expected) throws WebSocketHandshakeException {
        assertEquals(expected, answer(offer, ON));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; server_max_window_bits=7",
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
                "permessage-deflate; server_max_window_bits=16, permessage-deflate", ON));
    }

    @Test
    void addsTheServersOwnNoContextTakeoverChoices() throws WebSocketHandshakeException {
        WebSocketConfig config = ON.toBuilder().serverNoContextTakeover(true).clientNoContextTakeover(true).build();
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                answer("permessage-deflate", config));
    }

    @Test
    void clientOffersToTakeAnyWindowLimitAndChecksTheAnswer() throws WebSocketHandshakeException {
        assertEquals("permessage-deflate; client_max_window_bits", PerMessageDeflate.offer(ON).toHeaderValue());
        WebSocketConfig config = ON.toBuilder().serverNoContextTakeover(true).build();
        assertEquals("permessage-deflate; server_no_context_takeover; client_max_window_bits",
                PerMessageDeflate.offer(config).toHeaderValue());
        assertEquals(new PerMessageDeflate(false, false, 0, 9), accepted("permessage-deflate; client_max_window_bits=9",
                ON));
        assertEquals(new PerMessageDeflate(true, true, 9), accepted(
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9",
                config));
        assertEquals(new PerMessageDeflate(false, false, 0), accepted("permessage-deflate", ON));
    }

    @Test
    void clientRefusesAnswersItDidNotAllow() {
        assertRefused("the server's permessage-deflate answer has an invalid client_max_window_bits",
                "permessage-deflate; client_max_window_bits", ON);
        assertRefused("the server's permessage-deflate answer has an invalid client_max_window_bits",
                "permessage-deflate; client_max_window_bits=16", ON);
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

    @Test
    void compressesWithLiteralsOnlyForAWindowUnder15Bits() throws DataFormatException {
        byte[] message = Wire.utf8("abc".repeat(1000));
        byte[] small = sends(Role.SERVER, new PerMessageDeflate(false, false, 9), message);
        byte[] full = sends(Role.SERVER, new PerMessageDeflate(false, false, 15), message);
        assertEquals(Wire.hex(small), Wire.hex(sends(Role.CLIENT, new PerMessageDeflate(false, false, 0, 9), message)),
                "a client whose window was limited to 9 bits");
        // Back-references make 3000 bytes of "abc" a few bytes; literals take at least a bit each.
        assertTrue(full.length < 40, full.length + " bytes with a 15-bit window");
        assertTrue(small.length >= 3000 / 8, small.length + " bytes with a 9-bit window");
        Inflater inflater = new Inflater(true);
        inflater.setInput(Wire.hex(Wire.hex(small) + "0000ffff"));
        byte[] inflated = new byte[3001];
        assertEquals(3000, inflater.inflate(inflated));
        assertEquals("abc".repeat(1000), new String(inflated, 0, 3000, StandardCharsets.UTF_8));
        inflater.end();
    }

    /** One message as this side compresses it under this agreement. */
    private static byte[] sends(Role role, PerMessageDeflate agreed, byte[] message) {
        try (MessageDeflater deflater = agreed.newDeflater(role)) {
            MessageBuffer out = new MessageBuffer();
            deflater.deflate(message, 0, message.length, true, out);
            return out.toByteArray();
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
