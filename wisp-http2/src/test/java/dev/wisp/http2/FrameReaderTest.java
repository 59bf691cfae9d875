package dev.wisp.http2;

import static dev.wisp.http2.Frames.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.WireInput;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the reader accepts and how it hands frames out: padding, priority, reserved bits, unknown types and flags. */
class FrameReaderTest {
    @Test
    void stripsPaddingFromDataAndCountsItForFlowControl() throws IOException {
        byte[] bytes = wire().frame(0x0, 0x9, 1, "03 68656c6c6f 000000").frame(0x0, 0x8, 1, "00 6869")
                .frame(0x0, 0x8, 1, "04 00000000").toBytes();
        assertEquals(List.of("DATA 1 68656c6c6f END_STREAM padding 4", "DATA 1 6869 padding 1", "DATA 1  padding 5"),
                Frames.read(bytes));
        DataFrame data = (DataFrame) reader(bytes).readFrame();
        assertEquals(9, data.flowControlledLength());
    }

    @Test
    void readsPaddedHeadersWithPriority() throws IOException {
        byte[] bytes = wire().frame(0x1, 0x2d, 3, "02 80000001 ff 8286 0000").toBytes();
        assertEquals(List.of("HEADERS 3 8286 END_STREAM exclusive on 1 weight 256 padding 3"), Frames.read(bytes));
    }

    @Test
    void ignoresTheReservedBitOfStreamIdsAndIncrements() throws IOException {
        byte[] bytes = wire().frame(0x0, 0, 0x80000001, "aa").frame(0x8, 0, 0x80000000, "80000010")
                .frame(0x7, 0, 0, "80000003 00000000").toBytes();
        assertEquals(List.of("DATA 1 aa", "WINDOW_UPDATE 0 16", "GOAWAY last 3 NO_ERROR "), Frames.read(bytes));
    }

    @Test
    void ignoresUnknownFlags() throws IOException {
        byte[] bytes = wire().frame(0x0, 0xf6, 1, "aa").frame(0x6, 0xfe, 0, "0000000000000001")
                .frame(0x4, 0xfe, 0, "").frame(0x3, 0xff, 1, "00000001").toBytes();
        assertEquals(List.of("DATA 1 aa", "PING 1", "SETTINGS", "RST_STREAM 1 PROTOCOL_ERROR"), Frames.read(bytes));
    }

    @Test
    void skipsFramesOfUnknownTypes() throws IOException {
        byte[] bytes = wire().frame(0x0a, 0, 0, "0004 68656c6c6f").frame(0xff, 0xff, 7, new byte[Frames.MAX_FRAME])
                .frame(0x10, 0, 0, "").frame(0x6, 0, 0, "0000000000000003").toBytes();
        List<String> expected = List.of("UNKNOWN type 10 flags 0 stream 0 length 7",
                "UNKNOWN type 255 flags 255 stream 7 length 16384", "UNKNOWN type 16 flags 0 stream 0 length 0",
                "PING 3");
        assertEquals(expected, Frames.read(bytes));
        assertEquals(expected, Frames.read(bytes, 1));
        assertEquals(expected, Frames.read(bytes, 100));
    }

    @Test
    void keepsKnownSettingsInOrderAndLeavesOutUnknownOnes() throws IOException {
        byte[] bytes = wire().frame(0x4, 0, 0, "0001 00000000 0007 00000001 0005 00ffffff 0001 ffffffff 00ff 00000007")
                .toBytes();
        assertEquals(List.of("SETTINGS 1=0 5=16777215 1=4294967295"), Frames.read(bytes));
        SettingsFrame frame = (SettingsFrame) reader(bytes).readFrame();
        Settings applied = Settings.DEFAULT.apply(frame);
        assertEquals(0xffffffffL, applied.headerTableSize());
        assertEquals(16_777_215, applied.maxFrameSize());
    }

    @Test
    void keepsUnknownErrorCodesAsNumbers() throws IOException {
        byte[] bytes = wire().frame(0x3, 0, 1, "0000000e").frame(0x7, 0, 0, "00000000 ffffffff 6869").toBytes();
        assertEquals(List.of("RST_STREAM 1 0xe", "GOAWAY last 0 0xffffffff 6869"), Frames.read(bytes));
    }

    @Test
    void readsAFrameOfTheLargestSizeAllowedOnceRaised() throws IOException {
        byte[] bytes = wire().frame(0x0, 0, 1, new byte[100_000]).toBytes();
        FrameReader reader = reader(bytes);
        ConnectionException e = assertThrows(ConnectionException.class, reader::readFrame);
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, e.errorCode());
        FrameReader raised = reader(bytes);
        raised.maxFrameSize(100_000);
        assertEquals(100_000, ((DataFrame) raised.readFrame()).data().length);
        assertThrows(IllegalArgumentException.class, () -> raised.maxFrameSize(16_777_216));
        assertThrows(IllegalArgumentException.class, () -> new FrameReader(WireInput.of(bytes), 16_384, 0));
    }

    @Test
    void readsThePrefaceAndRefusesAnythingElse() throws IOException {
        byte[] preface = ConnectionPreface.bytes();
        FrameReader reader = reader(wire().bytes(preface).frame(0x4, 0, 0, "").toBytes());
        reader.readPreface();
        assertEquals("SETTINGS", Frames.describe(reader.readFrame()));

        ConnectionException e = assertThrows(ConnectionException.class,
                () -> reader("GET / HTTP/1.1\r\n\r\n".getBytes()).readPreface());
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.errorCode());
        assertEquals("not the HTTP/2 connection preface: byte 0 is 0x47", e.getMessage());
        byte[] almost = preface.clone();
        almost[23] = '\r';
        assertEquals("not the HTTP/2 connection preface: byte 23 is 0xd",
                assertThrows(ConnectionException.class, () -> reader(almost).readPreface()).getMessage());
        assertEquals("stream ended inside the connection preface, after 10 bytes", assertThrows(EOFException.class,
                () -> reader(Arrays.copyOf(preface, 10)).readPreface()).getMessage());
    }

    @Test
    void tellsTheEndOfTheStreamBetweenFramesFromOneInsideAFrame() {
        assertEquals("stream ended between frames",
                assertThrows(EOFException.class, () -> reader(new byte[0]).readFrame()).getMessage());
        assertEquals("stream ended inside a frame header",
                assertThrows(EOFException.class, () -> reader(Frames.hex("000004")).readFrame()).getMessage());
        assertEquals("stream ended inside a PING frame", assertThrows(EOFException.class,
                () -> reader(wire().header(8, 0x6, 0, 0).bytes(new byte[7]).toBytes()).readFrame()).getMessage());
        assertEquals("stream ended inside a DATA frame", assertThrows(EOFException.class,
                () -> reader(wire().header(8, 0x0, 0x8, 1).bytes(Frames.hex("03 6869")).toBytes()).readFrame())
                .getMessage());
        assertEquals("stream ended inside a type 0xbb frame", assertThrows(EOFException.class,
                () -> reader(wire().header(8, 0xbb, 0, 0).toBytes()).readFrame()).getMessage());
    }

    private static FrameReader reader(byte[] bytes) {
        return new FrameReader(WireInput.of(bytes), Frames.MAX_FRAME, Frames.MAX_BLOCK);
    }
}
