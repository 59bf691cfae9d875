package dev.wisp.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebSocketFrameWriterTest {

    private interface Writing {
        void write(WebSocketFrameWriter writer) throws IOException;
    }

    private static byte[] written(Role role, Writing writing) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WebSocketFrameWriter writer = new WebSocketFrameWriter(WireOutput.of(bytes), role);
        writing.write(writer);
        writer.flush();
        return bytes.toByteArray();
    }

    @Test
    void serverWritesUnmaskedFrames() throws IOException {
        byte[] hello = Wire.utf8("Hello");
        assertEquals("810548656c6c6f", Wire.hex(written(Role.SERVER,
                w -> w.writeFrame(Opcode.TEXT, true, false, hello, 0, 5))));
        assertEquals("010348656c", Wire.hex(written(Role.SERVER,
                w -> w.writeFrame(Opcode.TEXT, false, false, hello, 0, 3))));
        assertEquals("c1026c6f", Wire.hex(written(Role.SERVER,
                w -> w.writeFrame(Opcode.TEXT, true, true, hello, 3, 2))));
        assertEquals("880203e8", Wire.hex(written(Role.SERVER, w -> w.writeClose(1000, ""))));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 125, 126, 65_535, 65_536})
    void encodesLengthsMinimally(int length) throws IOException {
        byte[] frame = written(Role.SERVER, w -> w.writeFrame(Opcode.BINARY, true, false, new byte[length], 0,
                length));
        int headerLength = length < 126 ? 2 : length <= 0xffff ? 4 : 10;
        assertEquals(headerLength + length, frame.length);
        assertEquals(length < 126 ? length : length <= 0xffff ? 126 : 127, frame[1] & 0x7f);
    }

    @Test
    void clientMasksWithAFreshKeyAndLeavesThePayloadAlone() throws IOException {
        byte[] payload = Wire.utf8("Hello");
        byte[] first = written(Role.CLIENT, w -> w.writeFrame(Opcode.TEXT, true, false, payload, 0, 5));
        byte[] second = written(Role.CLIENT, w -> w.writeFrame(Opcode.TEXT, true, false, payload, 0, 5));
        assertEquals(0x81, first[0] & 0xff);
        assertEquals(0x85, first[1] & 0xff);
        assertNotEquals(Wire.hex(Arrays.copyOfRange(first, 2, 6)), Wire.hex(Arrays.copyOfRange(second, 2, 6)));
        assertArrayEquals(Wire.utf8("Hello"), payload);
    }

    @Test
    void refusesControlFramesItMayNotSend() {
        assertEquals("ping frame must be final and at most 125 bytes: 126", assertThrows(
                IllegalArgumentException.class, () -> written(Role.SERVER,
                        w -> w.writeFrame(Opcode.PING, true, false, new byte[126], 0, 126))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> written(Role.SERVER,
                w -> w.writeFrame(Opcode.PONG, false, false, new byte[1], 0, 1)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4, 5, 125, 126, 4095, 4096, 4097, 65_535, 65_536, 200_001})
    void roundTripsEveryRoleAndSize(int length) throws IOException {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        for (Role sender : Role.values()) {
            Role receiver = sender == Role.CLIENT ? Role.SERVER : Role.CLIENT;
            byte[] wire = written(sender, w -> {
                w.writeFrame(Opcode.BINARY, false, false, payload, 0, length / 2);
                w.writeFrame(Opcode.PING, true, false, new byte[] {9}, 0, 1);
                w.writeFrame(Opcode.CONTINUATION, true, false, payload, length / 2, length - length / 2);
                w.writeClose(4000, "done");
            });
            WebSocketFrameReader reader = new WebSocketFrameReader(WireInput.of(wire), receiver, 1 << 20, 1 << 20,
                    null);
            assertEquals("ping 09", Deliveries.describe(reader.readNext()));
            assertArrayEquals(payload, ((Incoming.Binary) reader.readNext()).bytes());
            assertEquals("close 4000 done", Deliveries.describe(reader.readNext()));
        }
    }

    @Test
    void roundTripsTextThroughEveryDelivery() throws IOException {
        byte[] text = Wire.utf8("κόσμε € 😀");
        byte[] wire = written(Role.CLIENT, w -> {
            for (int i = 0; i < text.length; i++) {
                Opcode opcode = i == 0 ? Opcode.TEXT : Opcode.CONTINUATION;
                w.writeFrame(opcode, i == text.length - 1, false, text, i, 1);
            }
        });
        assertEquals(List.of("text κόσμε € 😀"), WebSocketFrameReaderTest.serverReads(wire));
    }
}
