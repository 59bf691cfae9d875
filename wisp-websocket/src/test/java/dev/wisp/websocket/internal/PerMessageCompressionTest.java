package dev.wisp.websocket.internal;

import static dev.wisp.websocket.internal.Wire.frames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import dev.wisp.websocket.WebSocketProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** Compressed messages (RFC 7692 §7.2): the RFC's examples, round trips, context takeover and the bomb guard. */
class PerMessageCompressionTest {
    private static final int MAX = 100_000;

    private static List<String> clientReads(byte[] wire, boolean serverNoContextTakeover) throws IOException {
        return Deliveries.read(wire, in -> {
            try (MessageInflater inflater = new MessageInflater(serverNoContextTakeover)) {
                return Deliveries.events(new WebSocketFrameReader(in, Role.CLIENT, MAX, MAX, inflater));
            }
        });
    }

    @Test
    void readsTheRfcExamples() throws IOException {
        // §7.2.3.1 one frame; §7.2.3.2 a second message using the first one's window; §7.2.3.3 fragmented.
        assertEquals(List.of("text Hello", "text Hello", "text Hello"), clientReads(Wire.hex(
                "c1 07 f2 48 cd c9 c9 07 00" + "c1 05 f2 00 11 00 00" + "41 03 f2 48 cd 80 04 c9 c9 07 00"), false));
        // §7.2.3.4 a stored block; §7.2.3.5 two blocks in one message.
        assertEquals(List.of("text Hello", "text Hello"), clientReads(Wire.hex(
                "c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00" + "c1 0d f2 48 05 00 00 00 ff ff ca c9 c9 07 00"), false));
    }

    @Test
    void takesNoContextOverWhenAgreed() {
        // The second message refers back to the first one's window, which a reset inflater no longer has.
        byte[] wire = Wire.hex("c1 07 f2 48 cd c9 c9 07 00" + "c1 05 f2 00 11 00 00");
        WebSocketProtocolException e = assertThrows(WebSocketProtocolException.class, () -> clientReads(wire, true));
        assertEquals(1007, e.closeCode());
        assertEquals("compressed message is not valid DEFLATE data", e.getMessage());
    }

    @Test
    void readsUncompressedMessagesBetweenCompressedOnes() throws IOException {
        byte[] wire = Wire.hex("c1 07 f2 48 cd c9 c9 07 00" + "81 02 68 69" + "82 01 00");
        assertEquals(List.of("text Hello", "text hi", "binary 00"), clientReads(wire, false));
    }

    @Test
    void rejectsRsv1OnContinuationAndControlFrames() {
        assertEquals("RSV1 set on a continuation frame", assertThrows(WebSocketProtocolException.class,
                () -> clientReads(Wire.hex("41 03 f2 48 cd c0 04 c9 c9 07 00"), false)).getMessage());
        assertEquals("RSV1 set on a ping frame", assertThrows(WebSocketProtocolException.class,
                () -> clientReads(Wire.hex("c9 00"), false)).getMessage());
    }

    @Test
    void rejectsInvalidUtf8AfterInflating() {
        byte[] compressed = compress(Wire.hex("ed a0 80"));
        WebSocketProtocolException e = assertThrows(WebSocketProtocolException.class,
                () -> clientReads(frames().unmasked(0xc1, compressed).toBytes(), false));
        assertEquals(1007, e.closeCode());
    }

    @Test
    void stopsADecompressionBombAtTheLimit() throws IOException {
        // 50 MB of zeros deflate to about 50 KB: one frame under maxFrameBytes that inflates far past the limit.
        byte[] bomb = compress(new byte[50_000_000]);
        assertTrue(bomb.length < MAX, "bomb of " + bomb.length + " bytes");
        byte[] wire = frames().unmasked(0xc2, bomb).toBytes();
        MessageBuffer seen = new MessageBuffer();
        try (MessageInflater inflater = new MessageInflater(false)) {
            WebSocketProtocolException e = assertThrows(WebSocketProtocolException.class,
                    () -> inflater.inflate(bomb, 0, bomb.length, seen, MAX));
            assertEquals(1009, e.closeCode());
            assertEquals("message exceeds 100000 bytes (maxMessageBytes) when inflated", e.getMessage());
        }
        assertEquals(MAX + 1, seen.size());
        assertEquals(1009, assertThrows(WebSocketProtocolException.class, () -> clientReads(wire, false))
                .closeCode());
    }

    @Test
    void roundTripsThroughDeflaterWriterAndReader() throws IOException {
        Random random = new Random(7692);
        for (boolean noContextTakeover : new boolean[] {false, true}) {
            List<byte[]> messages = List.of(new byte[0], Wire.utf8("Hello"), Wire.utf8("Hello"),
                    Wire.utf8("x".repeat(70_000)), randomBytes(random, 30_000), new byte[0]);
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            WebSocketFrameWriter writer = new WebSocketFrameWriter(WireOutput.of(wire), Role.SERVER);
            try (MessageDeflater deflater = new MessageDeflater(noContextTakeover, Deflater.DEFAULT_COMPRESSION)) {
                MessageBuffer out = new MessageBuffer();
                for (byte[] message : messages) {
                    // Each message in three fragments, the middle one possibly empty.
                    int third = message.length / 3;
                    int[] ends = {third, third, message.length};
                    int start = 0;
                    for (int i = 0; i < 3; i++) {
                        deflater.deflate(message, start, ends[i] - start, i == 2, out);
                        writer.writeFrame(i == 0 ? Opcode.BINARY : Opcode.CONTINUATION, i == 2, i == 0,
                                out.array(), 0, out.size());
                        start = ends[i];
                    }
                }
            }
            writer.flush();
            try (MessageInflater inflater = new MessageInflater(noContextTakeover)) {
                WebSocketFrameReader reader = new WebSocketFrameReader(WireInput.of(wire.toByteArray()),
                        Role.CLIENT, MAX, MAX, inflater);
                for (byte[] message : messages) {
                    assertArrayEquals(message, ((Incoming.Binary) reader.readNext()).bytes());
                }
            }
        }
    }

    @Test
    void endsTheZlibStreamsOnClose() {
        MessageDeflater deflater = new MessageDeflater(false, Deflater.DEFAULT_COMPRESSION);
        deflater.close();
        deflater.close();
        assertThrows(RuntimeException.class, () -> deflater.deflate(new byte[1], 0, 1, true, new MessageBuffer()));
        MessageInflater inflater = new MessageInflater(false);
        inflater.close();
        assertThrows(RuntimeException.class, () -> inflater.inflate(new byte[1], 0, 1, new MessageBuffer(), 10));
    }

    private static byte[] compress(byte[] bytes) {
        try (MessageDeflater deflater = new MessageDeflater(false, Deflater.BEST_COMPRESSION)) {
            MessageBuffer out = new MessageBuffer();
            deflater.deflate(bytes, 0, bytes.length, true, out);
            return out.toByteArray();
        }
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
