package dev.wisp.server;

import static dev.wisp.server.TestServers.TEST_TIMEOUT;
import static dev.wisp.testing.ScriptedWebSocketPeer.BINARY;
import static dev.wisp.testing.ScriptedWebSocketPeer.TEXT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.FuzzBytes;
import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.websocket.WebSocketConfig;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The permessage-deflate offers of the Autobahn catalogue's sections 12 and 13 (RFC 7692), sent to a server that
 * echoes, over a real socket: the server agrees to an offer it can honour, declines one whose
 * {@code server_max_window_bits} is below the 15 bits java.util.zip compresses with (or takes the next offer), and
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
        server = EchoListener.serve(WebSocketConfig.builder().permessageDeflate(true).build());
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
            permessage-deflate; client_no_context_takeover; client_max_window_bits; server_max_window_bits=9 | ''
            permessage-deflate; client_no_context_takeover; client_max_window_bits; server_max_window_bits=15 | \
            permessage-deflate; client_no_context_takeover; server_max_window_bits=15
            permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; \
            server_max_window_bits=9 | ''
            permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; \
            server_max_window_bits=15 | \
            permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15
            permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; \
            server_max_window_bits=9, permessage-deflate; client_no_context_takeover; client_max_window_bits; \
            server_no_context_takeover, permessage-deflate; client_no_context_takeover; client_max_window_bits | \
            permessage-deflate; server_no_context_takeover; client_no_context_takeover
            permessage-deflate; client_max_window_bits | permessage-deflate
            """)
    void agreesToWhatItCanHonourAndEchoesWithTheAgreedWindows(String offer, String expected) {
        assertTimeoutPreemptively(TEST_TIMEOUT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws", "Sec-WebSocket-Extensions: " + offer)) {
                String agreed = peer.handshake().header("Sec-WebSocket-Extensions").orElse("");
                assertEquals(expected, agreed, "the answer to " + offer);
                boolean deflate = !agreed.isEmpty();
                Compressor out = new Compressor(agreed.contains("client_no_context_takeover"));
                Decompressor in = new Decompressor(agreed.contains("server_no_context_takeover"));
                Random random = new Random(FuzzBytes.SEED);
                for (int frameBytes : new int[] {Integer.MAX_VALUE, 256}) {
                    for (int size : SIZES) {
                        byte[] message = text(random, size);
                        for (int twice = 0; twice < 2; twice++) {
                            int opcode = twice == 0 ? TEXT : BINARY;
                            peer.raw().send(ScriptedWebSocketPeer.fragments(opcode, deflate ? 4 : 0,
                                    deflate ? out.compress(message) : message, frameBytes));
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

    /** JSON-like text that compresses as text does: repeated names, varying numbers. */
    private static byte[] text(Random random, int size) {
        StringBuilder text = new StringBuilder();
        while (text.length() < size) {
            text.append("{\"id\": ").append(random.nextInt(100_000)).append(", \"name\": \"item ")
                    .append(random.nextInt(1000)).append("\", \"tags\": [\"a\", \"b\"]}, ");
        }
        return text.substring(0, size).getBytes(UTF_8);
    }

    /** A client's compressor (RFC 7692 §7.2.1), keeping its window between messages unless told not to. */
    private static final class Compressor {
        private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        private final boolean noContextTakeover;

        Compressor(boolean noContextTakeover) {
            this.noContextTakeover = noContextTakeover;
        }

        byte[] compress(byte[] message) {
            deflater.setInput(message);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            do {
                n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                out.write(buffer, 0, n);
            } while (n == buffer.length);
            if (noContextTakeover) {
                deflater.reset();
            }
            byte[] flushed = out.toByteArray();
            return Arrays.copyOf(flushed, flushed.length - 4); // without the 00 00 ff ff of the flush
        }
    }

    /** A client's view of the server's messages, keeping the window between messages unless told not to. */
    private static final class Decompressor {
        private final Inflater inflater = new Inflater(true);
        private final boolean noContextTakeover;

        Decompressor(boolean noContextTakeover) {
            this.noContextTakeover = noContextTakeover;
        }

        byte[] inflate(byte[] payload) throws DataFormatException {
            inflater.setInput(FuzzBytes.concat(payload, new byte[] {0, 0, (byte) 0xff, (byte) 0xff}));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16_384];
            int n;
            while ((n = inflater.inflate(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
            if (noContextTakeover) {
                inflater.reset();
            }
            return out.toByteArray();
        }
    }
}
