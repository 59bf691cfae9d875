package dev.wisp.http2;

import static dev.wisp.http2.Frames.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.WireInput;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Header blocks across CONTINUATION frames (RFC 9113 §6.10), and the bound on their size. */
class HeaderBlockTest {
    @Test
    void joinsHeadersAndContinuationFramesIntoOneBlock() throws IOException {
        byte[] bytes = wire().frame(0x1, 0x1, 1, "8286").frame(0x9, 0, 1, "").frame(0x9, 0, 1, "84")
                .frame(0x9, 0x4, 1, "410f").frame(0x6, 0, 0, "0000000000000002").toBytes();
        assertEquals(List.of("HEADERS 1 828684410f END_STREAM", "PING 2"), Frames.read(bytes));
        assertEquals(List.of("HEADERS 1 828684410f END_STREAM", "PING 2"), Frames.read(bytes, 1));
    }

    @Test
    void joinsAPushPromiseBlockAndKeepsItsPaddingAndPromisedStream() throws IOException {
        byte[] bytes = wire().frame(0x5, 0x8, 1, "03 00000004 8287 000000").frame(0x9, 0x4, 1, "84").toBytes();
        assertEquals(List.of("PUSH_PROMISE 1 promises 4 828784 padding 4"), Frames.read(bytes));
    }

    @Test
    void refusesAnyOtherFrameInsideAHeaderBlock() {
        assertInsideBlock(wire().frame(0x0, 0, 1, "00"),
                "DATA frame on stream 1 inside the header block of HEADERS on stream 1, where only CONTINUATION on"
                        + " that stream may come");
        assertInsideBlock(wire().frame(0x6, 0, 0, "0000000000000000"),
                "PING frame on stream 0 inside the header block of HEADERS on stream 1, where only CONTINUATION on"
                        + " that stream may come");
        assertInsideBlock(wire().frame(0x1, 0x4, 3, "82"),
                "HEADERS frame on stream 3 inside the header block of HEADERS on stream 1, where only CONTINUATION on"
                        + " that stream may come");
        assertInsideBlock(wire().frame(0x9, 0x4, 3, "82"),
                "CONTINUATION frame on stream 3 inside the header block of HEADERS on stream 1, where only"
                        + " CONTINUATION on that stream may come");
        // §5.5: extension frames may not interrupt a header block either.
        assertInsideBlock(wire().frame(0xbb, 0, 1, ""),
                "type 0xbb frame on stream 1 inside the header block of HEADERS on stream 1, where only CONTINUATION"
                        + " on that stream may come");
    }

    @Test
    void refusesAnInterruptedPushPromiseBlock() {
        byte[] bytes = wire().frame(0x5, 0, 1, "00000002 82").frame(0x8, 0, 1, "00000001").toBytes();
        ConnectionException e = assertThrows(ConnectionException.class, () -> Frames.read(bytes));
        assertEquals("WINDOW_UPDATE frame on stream 1 inside the header block of PUSH_PROMISE on stream 1, where only"
                + " CONTINUATION on that stream may come", e.getMessage());
    }

    @Test
    void refusesContinuationAfterAHeaderBlockEnded() {
        byte[] bytes = wire().frame(0x1, 0x4, 1, "82").frame(0x9, 0x4, 1, "84").toBytes();
        ConnectionException e = assertThrows(ConnectionException.class, () -> Frames.read(bytes));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.errorCode());
        assertEquals("CONTINUATION frame on stream 1 without a header block to continue", e.getMessage());
    }

    @Test
    void boundsTheBytesOfOneHeaderBlockCountingFrameHeaders() throws IOException {
        // 9 + 3 and 9 + 2 bytes: 23 in all.
        byte[] bytes = wire().frame(0x1, 0, 1, "828684").frame(0x9, 0x4, 1, "410f").toBytes();
        assertEquals("HEADERS 1 828684410f", Frames.describe(reader(bytes, 23).readFrame()));
        HeaderBlockTooLargeException e = assertThrows(HeaderBlockTooLargeException.class,
                () -> reader(bytes, 22).readFrame());
        assertEquals(ErrorCode.ENHANCE_YOUR_CALM, e.errorCode());
        assertEquals(22, e.limit());
        assertEquals("header block on stream 1 exceeds 22 bytes (maxHeaderBlockBytes, counting 9 bytes for each"
                + " frame's header)", e.getMessage());
        assertThrows(HeaderBlockTooLargeException.class, () -> reader(bytes, 11).readFrame());
    }

    @Test
    void stopsAFloodOfEmptyContinuationFrames() {
        // CVE-2024-27316 and kin: CONTINUATION frames without end, empty or full; the reader stops at the limit,
        // having held no more than it.
        Frames flood = wire().frame(0x1, 0, 1, "82");
        for (int i = 0; i < 10_000; i++) {
            flood.frame(0x9, 0, 1, "");
        }
        byte[] bytes = flood.toBytes();
        assertThrows(HeaderBlockTooLargeException.class, () -> reader(bytes, Frames.MAX_BLOCK).readFrame());
        Frames full = wire().frame(0x1, 0, 1, new byte[Frames.MAX_FRAME]);
        for (int i = 0; i < 10; i++) {
            full.frame(0x9, 0, 1, new byte[Frames.MAX_FRAME]);
        }
        byte[] fullBytes = full.toBytes();
        HeaderBlockTooLargeException e = assertThrows(HeaderBlockTooLargeException.class,
                () -> reader(fullBytes, Frames.MAX_BLOCK).readFrame());
        assertEquals(Frames.MAX_BLOCK, e.limit());
    }

    @Test
    void reportsTheEndOfTheStreamInsideAHeaderBlock() {
        byte[] bytes = wire().frame(0x1, 0, 1, "82").toBytes();
        EOFException e = assertThrows(EOFException.class, () -> Frames.read(bytes));
        assertEquals("stream ended inside a header block", e.getMessage());
        byte[] cut = wire().frame(0x1, 0, 1, "82").header(4, 0x9, 0x4, 1).bytes(new byte[2]).toBytes();
        assertEquals("stream ended inside a CONTINUATION frame",
                assertThrows(EOFException.class, () -> Frames.read(cut)).getMessage());
    }

    private static void assertInsideBlock(Frames interloper, String message) {
        byte[] bytes = wire().frame(0x1, 0, 1, "82").bytes(interloper.toBytes()).toBytes();
        ConnectionException e = assertThrows(ConnectionException.class, () -> Frames.read(bytes));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.errorCode());
        assertEquals(message, e.getMessage());
    }

    private static FrameReader reader(byte[] bytes, int maxHeaderBlockBytes) {
        return new FrameReader(WireInput.of(bytes), Frames.MAX_FRAME, maxHeaderBlockBytes);
    }
}
