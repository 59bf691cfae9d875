package dev.wisp.websocket.internal;

import static dev.wisp.websocket.internal.Wire.frames;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.websocket.CloseCode;
import dev.wisp.websocket.WebSocketProtocolException;
import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CloseFramesTest {

    private static byte[] closeFrame(int code, byte... reason) {
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return frames().masked(0x88, payload).toBytes();
    }

    @Test
    void readsACloseWithoutPayloadAsNoStatusReceived() throws IOException {
        assertEquals(List.of("close 1005 "), WebSocketFrameReaderTest.serverReads(
                frames().masked(0x88, new byte[0]).toBytes()));
    }

    @Test
    void readsCodeAndReason() throws IOException {
        assertEquals(List.of("close 1000 bye ☃"), WebSocketFrameReaderTest.serverReads(
                closeFrame(1000, Wire.utf8("bye ☃"))));
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999,
            4000, 4999})
    void acceptsEveryCodeAllowedOnTheWire(int code) throws IOException {
        assertEquals(List.of("close " + code + " "), WebSocketFrameReaderTest.serverReads(closeFrame(code)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void rejectsCodesNotAllowedOnTheWire(int code) {
        WebSocketFrameReaderTest.assertServerRejects(1002, "close code " + code + " is not allowed on the wire",
                closeFrame(code));
    }

    @Test
    void rejectsAOneBytePayload() {
        WebSocketFrameReaderTest.assertServerRejects(1002, "close frame payload of 1 byte",
                frames().masked(0x88, new byte[] {3}).toBytes());
    }

    @Test
    void rejectsAReasonThatIsNotUtf8() {
        WebSocketFrameReaderTest.assertServerRejects(1007, "close reason is not valid UTF-8",
                closeFrame(1000, Wire.hex("ce ba e1 bd b9 ed a0 80 65 64 69 74 65 64")));
    }

    @Test
    void makesPayloads() {
        assertArrayEquals(Wire.hex("03 e8 62 79 65"), CloseFrames.payload(1000, "bye"));
        assertArrayEquals(new byte[0], CloseFrames.payload(CloseCode.NO_STATUS_RECEIVED, ""));
        String longest = "é".repeat(61) + "x";
        assertEquals(125, CloseFrames.payload(4000, longest).length);
    }

    @Test
    void refusesPayloadsThatMayNotBeSent() {
        assertEquals("close reason of 124 UTF-8 bytes exceeds 123", assertThrows(IllegalArgumentException.class,
                () -> CloseFrames.payload(1000, "é".repeat(62))).getMessage());
        assertEquals("close code 1006 may not be sent: use 1000-1003, 1007-1014 or 3000-4999",
                assertThrows(IllegalArgumentException.class, () -> CloseFrames.payload(1006, "")).getMessage());
        assertEquals("a close reason needs a close code", assertThrows(IllegalArgumentException.class,
                () -> CloseFrames.payload(CloseCode.NO_STATUS_RECEIVED, "why")).getMessage());
        assertEquals("close reason has a lone surrogate at index 3 (U+D83D): not Unicode text",
                assertThrows(IllegalArgumentException.class,
                        () -> CloseFrames.payload(1000, "bye\ud83d")).getMessage());
    }

    @Test
    void aReasonMadeOfAnErrorsMessageLosesItsLoneSurrogates() {
        assertEquals("bad ? here", CloseFrames.truncateReason("bad \udc00 here"));
        assertEquals("a pair \ud83d\ude00 stays", CloseFrames.truncateReason("a pair \ud83d\ude00 stays"));
        assertArrayEquals(CloseFrames.payload(1011, "bad ? here"),
                CloseFrames.payload(1011, CloseFrames.truncateReason("bad \udc00 here")));
    }

    @Test
    void agreesWithTheRfcOnEveryCode() {
        List<Integer> valid = IntStream.range(0, 65536).filter(CloseCode::isValidOnWire).boxed().toList();
        assertEquals(4 + 8 + 2000, valid.size());
        assertEquals(List.of(1000, 1001, 1002, 1003, 1007), valid.subList(0, 5));
    }

    @Test
    void theExceptionCarriesItsCode() {
        assertEquals(1009, new WebSocketProtocolException(1009, "big").closeCode());
    }
}
