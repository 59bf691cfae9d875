package dev.wisp.http2;

import static dev.wisp.http2.Frames.describe;
import static dev.wisp.http2.Frames.hex;
import static dev.wisp.http2.Frames.read;
import static dev.wisp.http2.Frames.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.WireInput;
import dev.wisp.core.WireOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Writer → reader over real bytes for every frame type, whole, one byte at a time and split at every offset. */
class FrameRoundTripTest {
    static List<Frame> everyType() {
        byte[] large = new byte[40_000];
        new Random(9113).nextBytes(large);
        return List.of(
                new SettingsFrame(List.of(new Setting(Settings.HEADER_TABLE_SIZE, 0), new Setting(Settings.ENABLE_PUSH,
                        0), new Setting(Settings.MAX_CONCURRENT_STREAMS, Settings.UNLIMITED),
                        new Setting(Settings.INITIAL_WINDOW_SIZE, Settings.MAX_WINDOW_SIZE),
                        new Setting(Settings.MAX_FRAME_SIZE, Settings.MAX_MAX_FRAME_SIZE),
                        new Setting(Settings.MAX_HEADER_LIST_SIZE, 8192))),
                SettingsFrame.ACK,
                new SettingsFrame(List.of()),
                new HeadersFrame(1, hex("8286 8441 0f77 7777"), false),
                new HeadersFrame(3, new byte[0], true, Optional.of(new Priority(true, 1, 256)), 0),
                new HeadersFrame(5, large, true),
                new HeadersFrame(7, large, false, Optional.of(new Priority(false, 0, 1)), 0),
                new DataFrame(1, "hello".getBytes(), false),
                new DataFrame(1, new byte[0], true),
                new DataFrame(Integer.MAX_VALUE, new byte[Frames.MAX_FRAME], true),
                new PriorityFrame(3, new Priority(false, 1, 16)),
                new ResetFrame(3, ErrorCode.CANCEL),
                new ResetFrame(5, new ErrorCode(0xdeadbeef)),
                new PushPromiseFrame(1, 2, hex("8287"), 0),
                new PushPromiseFrame(1, 4, large, 0),
                new PingFrame(false, 0x0102030405060708L),
                new PingFrame(true, -1L),
                new WindowUpdateFrame(0, 1),
                new WindowUpdateFrame(9, Integer.MAX_VALUE),
                new GoAwayFrame(7, ErrorCode.ENHANCE_YOUR_CALM, "calm down".getBytes()),
                new GoAwayFrame(0, ErrorCode.NO_ERROR, new byte[0]));
    }

    static byte[] everyTypeWritten() throws IOException {
        return written(everyType().toArray(Frame[]::new));
    }

    static List<String> everyTypeDescribed() {
        return everyType().stream().map(Frames::describe).toList();
    }

    @Test
    void readsBackEveryFrameTypeAsWritten() throws IOException {
        assertEquals(everyTypeDescribed(), read(everyTypeWritten()));
    }

    @Test
    void readsEveryFrameTypeFedOneByteAtATime() throws IOException {
        assertEquals(everyTypeDescribed(), read(everyTypeWritten(), 1));
    }

    @Test
    void readsSmallFramesSplitAtEveryOffset() throws IOException {
        List<Frame> small = everyType().stream().filter(frame -> !isLarge(frame)).toList();
        byte[] wire = written(small.toArray(Frame[]::new));
        List<String> expected = small.stream().map(Frames::describe).toList();
        for (int offset = 0; offset <= wire.length; offset++) {
            assertEquals(expected, read(Frames.ChunkedStream.splitAt(wire, offset)), "split at " + offset);
        }
    }

    @Test
    void readsALargeHeaderBlockSplitAtEveryOffsetAroundItsFrameBoundaries() throws IOException {
        Frame headers = everyType().get(5);
        byte[] wire = written(headers);
        // HEADERS (9 + 16,384), CONTINUATION (9 + 16,384), CONTINUATION (9 + the rest).
        for (int boundary : new int[] {0, 9 + Frames.MAX_FRAME, 2 * (9 + Frames.MAX_FRAME)}) {
            for (int offset = boundary; offset <= boundary + 10; offset++) {
                assertEquals(List.of(describe(headers)), read(Frames.ChunkedStream.splitAt(wire, offset)));
            }
        }
    }

    @Test
    void splitsAHeaderBlockIntoContinuationFramesAtThePeersMaxFrameSize() throws IOException {
        byte[] block = new byte[40_000];
        byte[] wire = written(new HeadersFrame(5, block, true, Optional.of(new Priority(false, 3, 8)), 0));
        // The HEADERS frame holds its 5 bytes of priority fields and 16,379 of the block; END_STREAM on it alone.
        assertEquals(List.of("HEADERS 16384 flags 0x21 stream 5", "CONTINUATION 16384 flags 0x0 stream 5",
                "CONTINUATION 7237 flags 0x4 stream 5"), frameHeaders(wire));
    }

    @Test
    void splitsAPushPromiseBlockAfterItsPromisedStreamId() throws IOException {
        byte[] wire = written(new PushPromiseFrame(1, 2, new byte[16_381], 0));
        assertEquals(List.of("PUSH_PROMISE 16384 flags 0x0 stream 1", "CONTINUATION 1 flags 0x4 stream 1"),
                frameHeaders(wire));
    }

    @Test
    void writesABlockThatFitsExactlyAsOneFrame() throws IOException {
        assertEquals(List.of("HEADERS 16384 flags 0x4 stream 1"),
                frameHeaders(written(new HeadersFrame(1, new byte[16_384], false))));
        assertEquals(List.of("HEADERS 0 flags 0x5 stream 1"),
                frameHeaders(written(new HeadersFrame(1, new byte[0], true))));
    }

    @ParameterizedTest
    @ValueSource(ints = {16_384, 16_385, 100_000, Settings.MAX_MAX_FRAME_SIZE})
    void followsALargerPeerMaxFrameSize(int maxFrameSize) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(WireOutput.of(sink));
        writer.maxFrameSize(maxFrameSize);
        writer.write(new HeadersFrame(1, new byte[200_000], false));
        writer.writeData(1, new byte[maxFrameSize], 0, maxFrameSize, true);
        writer.flush();
        for (String header : frameHeaders(sink.toByteArray())) {
            int length = Integer.parseInt(header.split(" ")[1]);
            assertEquals(true, length <= maxFrameSize, header);
        }
        FrameReader reader = new FrameReader(WireInput.of(sink.toByteArray()), maxFrameSize, 300_000);
        assertEquals(200_000, ((HeadersFrame) reader.readFrame()).headerBlock().length);
        assertEquals(maxFrameSize, ((DataFrame) reader.readFrame()).data().length);
    }

    @Test
    void refusesToWriteFramesAboveThePeersMaxFrameSize() {
        FrameWriter writer = new FrameWriter(WireOutput.of(new ByteArrayOutputStream()));
        IllegalArgumentException data = assertThrows(IllegalArgumentException.class,
                () -> writer.write(new DataFrame(1, new byte[16_385], false)));
        assertEquals("DATA frame of 16385 bytes exceeds the peer's SETTINGS_MAX_FRAME_SIZE of 16384",
                data.getMessage());
        IllegalArgumentException goAway = assertThrows(IllegalArgumentException.class,
                () -> writer.write(new GoAwayFrame(0, ErrorCode.NO_ERROR, new byte[16_377])));
        assertEquals("GOAWAY frame of 16385 bytes exceeds the peer's SETTINGS_MAX_FRAME_SIZE of 16384",
                goAway.getMessage());
        List<Setting> many = new ArrayList<>();
        for (int i = 0; i < 2731; i++) {
            many.add(new Setting(0x100, i));
        }
        assertThrows(IllegalArgumentException.class, () -> writer.write(new SettingsFrame(many)));
        assertThrows(IllegalArgumentException.class, () -> writer.maxFrameSize(16_383));
        assertThrows(IllegalArgumentException.class, () -> writer.write(new UnknownFrame(0xbb, 0, 0, 0)));
    }

    @Test
    void writesTheConnectionPreface() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(WireOutput.of(sink));
        writer.writePreface();
        writer.write(SettingsFrame.ACK);
        writer.flush();
        FrameReader reader = new FrameReader(WireInput.of(sink.toByteArray()), Frames.MAX_FRAME, Frames.MAX_BLOCK);
        reader.readPreface();
        assertEquals("SETTINGS ACK", describe(reader.readFrame()));
        assertEquals("505249202a20485454502f322e300d0a0d0a534d0d0a0d0a", hex(ConnectionPreface.bytes()));
    }

    @Test
    void writesAContinuationFrameAsGivenAndPaddedFramesUnpadded() throws IOException {
        assertEquals("000001090400000001" + "82", hex(written(new ContinuationFrame(1, hex("82"), true))));
        assertEquals("000001000100000001" + "aa", hex(written(new DataFrame(1, hex("aa"), true, 7))));
    }

    @Test
    void writesDataFromASliceWithoutTheRest() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(WireOutput.of(sink));
        writer.writeData(3, "xxhelloxx".getBytes(), 2, 5, true);
        writer.flush();
        assertEquals("000005000100000003" + hex("hello".getBytes()), hex(sink.toByteArray()));
    }

    private static boolean isLarge(Frame frame) {
        return switch (frame) {
            case HeadersFrame headers -> headers.headerBlock().length > 100;
            case PushPromiseFrame promise -> promise.headerBlock().length > 100;
            case DataFrame data -> data.data().length > 100;
            default -> false;
        };
    }

    /** The header of each frame in the bytes: type, length, flags, stream. */
    static List<String> frameHeaders(byte[] wire) {
        List<String> headers = new ArrayList<>();
        for (int at = 0; at < wire.length; ) {
            int length = (wire[at] & 0xff) << 16 | (wire[at + 1] & 0xff) << 8 | wire[at + 2] & 0xff;
            int stream = ((wire[at + 5] & 0x7f) << 24) | (wire[at + 6] & 0xff) << 16 | (wire[at + 7] & 0xff) << 8
                    | wire[at + 8] & 0xff;
            headers.add(FrameType.of(wire[at + 3]) + " " + length + " flags 0x" + Integer.toHexString(wire[at + 4])
                    + " stream " + stream);
            at += 9 + length;
        }
        return headers;
    }
}
