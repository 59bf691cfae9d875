package dev.wisp.http2;

import static dev.wisp.http2.Frames.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.BufferPool;
import dev.wisp.core.WireInput;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each rule of RFC 9113 §4 and §6 the reader enforces, crossed, with its error code, its kind and its message. */
class FrameReaderErrorsTest {
    private static final String CONNECTION = "connection";

    static Stream<Arguments> connectionErrors() {
        return Stream.of(
                // §4.2: longer than our SETTINGS_MAX_FRAME_SIZE, whatever the type.
                error(wire().header(16_385, 0, 0, 1), "FRAME_SIZE_ERROR",
                        "DATA frame of 16385 bytes on stream 1 exceeds 16384 bytes (our SETTINGS_MAX_FRAME_SIZE)"),
                error(wire().header(0xffffff, 0xbb, 0, 0), "FRAME_SIZE_ERROR",
                        "type 0xbb frame of 16777215 bytes on stream 0 exceeds 16384 bytes"
                                + " (our SETTINGS_MAX_FRAME_SIZE)"),
                // Frames that need a stream, on stream 0.
                error(wire().frame(0x0, 0, 0, "00"), "PROTOCOL_ERROR", "DATA frame on stream 0, which needs a stream"),
                error(wire().frame(0x1, 4, 0, "82"), "PROTOCOL_ERROR",
                        "HEADERS frame on stream 0, which needs a stream"),
                error(wire().frame(0x2, 0, 0, "0000000110"), "PROTOCOL_ERROR",
                        "PRIORITY frame on stream 0, which needs a stream"),
                error(wire().frame(0x3, 0, 0, "00000008"), "PROTOCOL_ERROR",
                        "RST_STREAM frame on stream 0, which needs a stream"),
                error(wire().frame(0x5, 4, 0, "00000002"), "PROTOCOL_ERROR",
                        "PUSH_PROMISE frame on stream 0, which needs a stream"),
                error(wire().frame(0x9, 4, 0, "82"), "PROTOCOL_ERROR",
                        "CONTINUATION frame on stream 0 without a header block to continue"),
                // Frames of the connection, on a stream; the reserved bit does not make it stream 0.
                error(wire().frame(0x4, 0, 1, ""), "PROTOCOL_ERROR",
                        "SETTINGS frame on stream 1, which must be on stream 0"),
                error(wire().frame(0x6, 0, 3, "0000000000000000"), "PROTOCOL_ERROR",
                        "PING frame on stream 3, which must be on stream 0"),
                error(wire().frame(0x7, 0, 0x7fffffff, "0000000000000000"), "PROTOCOL_ERROR",
                        "GOAWAY frame on stream 2147483647, which must be on stream 0"),
                // Fixed lengths.
                error(wire().frame(0x3, 0, 1, "000000"), "FRAME_SIZE_ERROR", "RST_STREAM frame of 3 bytes on stream 1,"
                        + " not 4"),
                error(wire().frame(0x6, 0, 0, "00000000000000"), "FRAME_SIZE_ERROR",
                        "PING frame of 7 bytes on stream 0,"
                        + " not 8"),
                error(wire().frame(0x6, 1, 0, "000000000000000000"), "FRAME_SIZE_ERROR",
                        "PING frame of 9 bytes on stream 0, not 8"),
                error(wire().frame(0x8, 0, 1, "000001"), "FRAME_SIZE_ERROR",
                        "WINDOW_UPDATE frame of 3 bytes on stream 1, not 4"),
                error(wire().frame(0x8, 0, 0, "0000000001"), "FRAME_SIZE_ERROR",
                        "WINDOW_UPDATE frame of 5 bytes on stream 0, not 4"),
                error(wire().frame(0x4, 0, 0, "00010000"), "FRAME_SIZE_ERROR",
                        "SETTINGS frame of 4 bytes, not a multiple of 6"),
                error(wire().frame(0x4, 1, 0, "000100001000"), "FRAME_SIZE_ERROR",
                        "SETTINGS acknowledgement with 6 bytes of payload, not 0"),
                error(wire().frame(0x7, 0, 0, "00000000000000"), "FRAME_SIZE_ERROR", "GOAWAY frame of 7 bytes, fewer"
                        + " than 8"),
                // Frames too short for their fixed fields.
                error(wire().frame(0x0, 0x8, 1, ""), "FRAME_SIZE_ERROR",
                        "DATA frame of 0 bytes on stream 1 is too short for its 1 bytes of fixed fields"),
                error(wire().frame(0x1, 0x24, 1, "00000000"), "FRAME_SIZE_ERROR",
                        "HEADERS frame of 4 bytes on stream 1 is too short for its 5 bytes of fixed fields"),
                error(wire().frame(0x1, 0x2c, 1, "0000000000"), "FRAME_SIZE_ERROR",
                        "HEADERS frame of 5 bytes on stream 1 is too short for its 6 bytes of fixed fields"),
                error(wire().frame(0x5, 0x4, 1, "000002"), "FRAME_SIZE_ERROR",
                        "PUSH_PROMISE frame of 3 bytes on stream 1 is too short for its 4 bytes of fixed fields"),
                // Padding as long as the payload or longer (§6.1, §6.2, §6.6).
                error(wire().frame(0x0, 0x8, 1, "01"), "PROTOCOL_ERROR",
                        "DATA frame on stream 1 has a pad length of 1 where only 0 bytes remain"),
                error(wire().frame(0x0, 0x8, 1, "06 68656c6c6f"), "PROTOCOL_ERROR",
                        "DATA frame on stream 1 has a pad length of 6 where only 5 bytes remain"),
                error(wire().frame(0x1, 0x0c, 1, "ff 82"), "PROTOCOL_ERROR",
                        "HEADERS frame on stream 1 has a pad length of 255 where only 1 bytes remain"),
                error(wire().frame(0x1, 0x2c, 1, "02 0000000010 82"), "PROTOCOL_ERROR",
                        "HEADERS frame on stream 1 has a pad length of 2 where only 1 bytes remain"),
                error(wire().frame(0x5, 0x0c, 1, "02 00000002 82"), "PROTOCOL_ERROR",
                        "PUSH_PROMISE frame on stream 1 has a pad length of 2 where only 1 bytes remain"),
                error(wire().frame(0x5, 0x04, 1, "80000000 82"), "PROTOCOL_ERROR",
                        "PUSH_PROMISE on stream 1 promises stream 0"),
                // Settings values (§6.5.2).
                error(wire().frame(0x4, 0, 0, "000200000002"), "PROTOCOL_ERROR",
                        "SETTINGS_ENABLE_PUSH must be 0 or 1, not 2"),
                error(wire().frame(0x4, 0, 0, "000400008000 0000"), "FRAME_SIZE_ERROR",
                        "SETTINGS frame of 8 bytes, not a multiple of 6"),
                error(wire().frame(0x4, 0, 0, "000480000000"), "FLOW_CONTROL_ERROR",
                        "SETTINGS_INITIAL_WINDOW_SIZE 2147483648 exceeds 2^31-1"),
                error(wire().frame(0x4, 0, 0, "000500003fff"), "PROTOCOL_ERROR",
                        "SETTINGS_MAX_FRAME_SIZE 16383 is outside 16384 to 16777215"),
                error(wire().frame(0x4, 0, 0, "000501000000"), "PROTOCOL_ERROR",
                        "SETTINGS_MAX_FRAME_SIZE 16777216 is outside 16384 to 16777215"),
                // WINDOW_UPDATE of 0 for the connection; the reserved bit does not count in the increment.
                error(wire().frame(0x8, 0, 0, "80000000"), "PROTOCOL_ERROR",
                        "WINDOW_UPDATE with an increment of 0 for the connection"));
    }

    static Stream<Arguments> streamErrors() {
        return Stream.of(
                error(wire().frame(0x8, 0, 5, "00000000"), "PROTOCOL_ERROR 5",
                        "WINDOW_UPDATE with an increment of 0 on stream 5"),
                error(wire().frame(0x8, 0, 5, "80000000"), "PROTOCOL_ERROR 5",
                        "WINDOW_UPDATE with an increment of 0 on stream 5"),
                error(wire().frame(0x2, 0, 3, "00000001"), "FRAME_SIZE_ERROR 3",
                        "PRIORITY frame of 4 bytes on stream 3, not 5"),
                error(wire().frame(0x2, 0, 3, "000000011000"), "FRAME_SIZE_ERROR 3",
                        "PRIORITY frame of 6 bytes on stream 3, not 5"),
                error(wire().frame(0x2, 0, 3, "8000000310"), "PROTOCOL_ERROR 3",
                        "PRIORITY frame makes stream 3 depend on itself"));
    }

    private static Arguments error(Frames wire, String code, String message) {
        return Arguments.of(wire.toBytes(), code, message);
    }

    @ParameterizedTest
    @MethodSource("connectionErrors")
    void endsTheConnection(byte[] wire, String code, String message) {
        ConnectionException e = assertThrows(ConnectionException.class, () -> Frames.read(wire));
        assertEquals(code, e.errorCode().name());
        assertEquals(message, e.getMessage());
        // The same, fed one byte at a time.
        ConnectionException again = assertThrows(ConnectionException.class, () -> Frames.read(wire, 1));
        assertEquals(message, again.getMessage());
    }

    @ParameterizedTest
    @MethodSource("streamErrors")
    void endsTheStreamAndReadsOn(byte[] wire, String codeAndStream, String message) throws IOException {
        byte[] then = Frames.wire().bytes(wire).frame(0x6, 0, 0, "0000000000000001").toBytes();
        for (FrameReader reader : List.of(reader(then), new FrameReader(WireInput.of(new Frames.ChunkedStream(then, 1),
                new BufferPool(64, 1)), Frames.MAX_FRAME, Frames.MAX_BLOCK))) {
            StreamException e = assertThrows(StreamException.class, reader::readFrame);
            assertEquals(codeAndStream, e.errorCode().name() + " " + e.streamId());
            assertEquals(message, e.getMessage());
            assertEquals("PING 1", Frames.describe(reader.readFrame()));
        }
    }

    @ParameterizedTest
    @MethodSource("connectionErrors")
    void reportsTheEndOfTheStreamInsideAFrameAsSuch(byte[] wire) throws IOException {
        // Every prefix of a frame, cut before its error shows, is an EOFException and nothing else.
        for (int cut = 1; cut < Math.min(wire.length, 9); cut++) {
            byte[] prefix = Arrays.copyOf(wire, cut);
            EOFException e = assertThrows(EOFException.class, () -> Frames.read(prefix));
            assertEquals("stream ended inside a frame header", e.getMessage());
        }
        assertInstanceOf(Http2Exception.class, assertThrows(IOException.class, () -> Frames.read(wire)));
    }

    private static FrameReader reader(byte[] wire) {
        return new FrameReader(WireInput.of(wire), Frames.MAX_FRAME, Frames.MAX_BLOCK);
    }
}
