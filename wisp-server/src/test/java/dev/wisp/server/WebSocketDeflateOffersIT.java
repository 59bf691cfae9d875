package dev.wisp.server;

import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static dev.wisp.testing.ScriptedWebSocketPeer.BINARY;
import static dev.wisp.testing.ScriptedWebSocketPeer.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.FuzzBytes;
import dev.wisp.testing.PeerDeflater;
import dev.wisp.testing.PeerInflater;
import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.websocket.WebSocketConfig;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The permessage-deflate offers of the Autobahn catalogue's sections 12 and 13 (RFC 7692), sent to a server that
 * echoes, over a real socket: the server agrees to each (a {@code server_max_window_bits} below the 15 bits
 * java.util.zip compresses with by sending literals only, which need no window), takes the first of several, and
 * then echoes messages of 16 bytes to 128 KiB, each sent twice so that a window carried from one message to the next
 * matters, whole and in frames of 256 bytes. The test compresses and inflates with java.util.zip, keeping or
 * dropping each direction's window as agreed, so an echo the server compressed with a window it agreed not to keep
 * does not inflate here.
 */
class WebSocketDeflateOffersIT {
    private static final int[] SIZES = {16, 64, 256, 1024, 4096, 16_384, 65_536, 131_072};
    private static Server server;

    @BeforeAll
    static void start() {
        server = TestServers.startWebSocketEcho(WebSocketConfig.builder().permessageDeflate(true).build());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            permessage-deflate; client_no_context_takeover; client_max_window_bits | \
            permessage-deflate; client_no_context_takeover
            permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover | \
            permessage-deflate; server_no_context_takeover; client_no_context_takeover
            permessage-deflate; client_no_context_takeover; client_max_window_bits; server_max_window_bits=9 | \
            permessage-deflate; client_no_context_takeover; server_max_window_bits=9
            permessage-deflate; client_no_context_takeover; client_max_window_bits; server_max_window_bits=15 | \
            permessage-deflate; client_no_context_takeover; server_max_window_bits=15
            permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; \
            server_max_window_bits=9 | \
            permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9
            permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; \
            server_max_window_bits=15 | \
            permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15
            permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; \
            server_max_window_bits=9, permessage-deflate; client_no_context_takeover; client_max_window_bits; \
            server_no_context_takeover, permessage-deflate; client_no_context_takeover; client_max_window_bits | \
            permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9
            permessage-deflate; client_max_window_bits | permessage-deflate
            """)
    void agreesToWhatItCanHonourAndEchoesWithTheAgreedWindows(String offer, String expected) {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws", "Sec-WebSocket-Extensions: " + offer)) {
                String agreed = peer.handshake().header("Sec-WebSocket-Extensions").orElse("");
                assertEquals(expected, agreed, "the answer to " + offer);
                boolean deflate = !agreed.isEmpty();
                PeerDeflater out = new PeerDeflater(agreed.contains("client_no_context_takeover"));
                PeerInflater in = new PeerInflater(agreed.contains("server_no_context_takeover"));
                Random random = new Random(FuzzBytes.SEED);
                for (int frameBytes : new int[] {Integer.MAX_VALUE, 256}) {
                    for (int size : SIZES) {
                        byte[] message = PeerDeflater.sampleText(random, size);
                        for (int twice = 0; twice < 2; twice++) {
                            int opcode = twice == 0 ? TEXT : BINARY;
                            peer.raw().send(ScriptedWebSocketPeer.fragments(opcode, deflate ? 4 : 0,
                                    deflate ? out.compress(message) : message, frameBytes, true));
                            ScriptedWebSocketPeer.Frame echo = peer.readMessage();
                            assertEquals(opcode, echo.opcode());
                            assertEquals(deflate ? 4 : 0, echo.rsv(), "RSV1 on a compressed message only");
                            assertArrayEquals(message, deflate ? in.inflate(echo.payload()) : echo.payload(),
                                    size + " bytes in frames of " + frameBytes);
                        }
                    }
                }
                peer.sendClose(1000, "");
                assertEquals(1000, peer.readClose().closeCode());
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)));
            }
        });
    }
}
