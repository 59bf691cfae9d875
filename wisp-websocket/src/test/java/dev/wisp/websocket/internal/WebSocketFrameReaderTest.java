package dev.wisp.websocket.internal;

import static dev.wisp.websocket.internal.Wire.frames;
import static dev.wisp.websocket.internal.Wire.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.SharedBudget;
import dev.wisp.core.WireInput;
import dev.wisp.websocket.WebSocketProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebSocketFrameReaderTest {
    private static final int MAX_FRAME = 70_000;
    private static final int MAX_MESSAGE = 100_000;
    private static final int MAX_BYTES_CHARGED = 1 << 20;

    /**
     * A header announcing a frame of a megabyte, followed by ten of its bytes and the end of the stream, takes no
     * megabyte of room: the room grows as the bytes come. A header alone took its length's worth before, so that
     * clients announcing large messages on many connections filled a server's heap for the price of their headers.
     */
    @Test
    void aFrameHeaderAloneTakesNoRoomForTheLengthItAnnounces() {
        int length = 1_000_000;
        byte[] wire = new byte[14 + 10];
        wire[0] = (byte) 0x82;
        wire[1] = (byte) 0xff; // masked, a 64-bit length follows
        wire[7] = (byte) (length >>> 16);
        wire[8] = (byte) (length >>> 8);
        wire[9] = (byte) length; // then a mask of zeros, and ten of the bytes
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        WebSocketFrameReader reader = new WebSocketFrameReader(WireInput.of(wire), Role.SERVER, length, length, null);
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThrows(EOFException.class, reader::readNext);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 256 * 1024, "reading a header and ten bytes took " + allocated + " bytes");
    }

    /**
     * Messages charged to a shared budget take their room from it as their bytes come and give it back once handled:
     * one that would pass what the budget can spare fails with 1013, and the budget is whole again afterwards.
     */
    @Test
    void chargesMessagesToASharedBudgetAndRefusesOnePastIt() throws IOException {
        SharedBudget budget = new SharedBudget(100 * 1024, "full", "eased");
        SharedBudget.Ledger ledger = budget.ledger();
        byte[] small = frames().masked(0x82, new byte[1_000]).toBytes();
        WebSocketFrameReader reader = new WebSocketFrameReader(WireInput.of(small), Role.SERVER, MAX_BYTES_CHARGED,
                MAX_BYTES_CHARGED, null);
        reader.chargeMessagesTo(ledger);
        reader.readNext();
        assertTrue(!ledger.take(100 * 1024), "the message's room is taken until it is handled");
        reader.messageHandled();
        assertTrue(ledger.take(100 * 1024), "and whole again once handled");
        ledger.giveBack(100 * 1024);

        byte[] large = frames().masked(0x82, new byte[200 * 1024]).toBytes();
        WebSocketFrameReader refusing = new WebSocketFrameReader(WireInput.of(large), Role.SERVER,
                MAX_BYTES_CHARGED, MAX_BYTES_CHARGED, null);
        refusing.chargeMessagesTo(ledger);
        WebSocketProtocolException e = assertThrows(WebSocketProtocolException.class, refusing::readNext);
        assertEquals(1013, e.closeCode());
        ledger.close();
        assertTrue(budget.ledger().take(100 * 1024), "a closed ledger gave back what it held");
    }

    static List<String> serverReads(byte[] wire) throws IOException {
        return Deliveries.read(wire, in -> Deliveries.events(
                new WebSocketFrameReader(in, Role.SERVER, MAX_FRAME, MAX_MESSAGE, null)));
    }

    static List<String> clientReads(byte[] wire) throws IOException {
        return Deliveries.read(wire, in -> Deliveries.events(
                new WebSocketFrameReader(in, Role.CLIENT, MAX_FRAME, MAX_MESSAGE, null)));
    }

    static void assertServerRejects(int code, String message, byte[] wire) {
        WebSocketProtocolException e = assertThrows(WebSocketProtocolException.class, () -> serverReads(wire));
        assertEquals(message, e.getMessage());
        assertEquals(code, e.closeCode());
    }

    static void assertClientRejects(int code, String message, byte[] wire) {
        WebSocketProtocolException e = assertThrows(WebSocketProtocolException.class, () -> clientReads(wire));
        assertEquals(message, e.getMessage());
        assertEquals(code, e.closeCode());
    }

    @Test
    void readsMaskedTextAndBinaryFromClient() throws IOException {
        byte[] wire = frames().masked(0x81, utf8("Hello")).masked(0x82, new byte[] {1, 2, 3}).toBytes();
        assertEquals(List.of("text Hello", "binary 010203"), serverReads(wire));
    }

    @Test
    void readsUnmaskedFramesFromServer() throws IOException {
        byte[] wire = frames().unmasked(0x81, utf8("Hello")).unmasked(0x8a, utf8("p")).toBytes();
        assertEquals(List.of("text Hello", "pong 70"), clientReads(wire));
    }

    @Test
    void readsTheRfcExamples() throws IOException {
        // RFC 6455 §5.7: a single-frame unmasked text, a masked text, a fragmented text, a ping.
        assertEquals(List.of("text Hello"), clientReads(Wire.hex("81 05 48 65 6c 6c 6f")));
        assertEquals(List.of("text Hello"), serverReads(Wire.hex("81 85 37 fa 21 3d 7f 9f 4d 51 58")));
        assertEquals(List.of("text Hello"), clientReads(Wire.hex("01 03 48 65 6c 80 02 6c 6f")));
        assertEquals(List.of("ping 48656c6c6f"), clientReads(Wire.hex("89 05 48 65 6c 6c 6f")));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65_535, 65_536, 69_999})
    void readsEveryLengthEncoding(int length) throws IOException {
        byte[] payload = new byte[length];
        Arrays.fill(payload, (byte) 0x2a);
        byte[] wire = frames().masked(0x82, payload).toBytes();
        List<String> events = Deliveries.read(wire, in -> Deliveries.events(
                new WebSocketFrameReader(in, Role.SERVER, MAX_FRAME, MAX_MESSAGE, null)).stream()
                .map(String::length).map(String::valueOf).toList());
        assertEquals(List.of(String.valueOf("binary ".length() + 2 * length)), events);
    }

    @Test
    void joinsFragmentsWithControlFramesBetween() throws IOException {
        byte[] wire = frames()
                .masked(0x01, utf8("fra"))
                .masked(0x89, utf8("a"))
                .masked(0x00, utf8("gme"))
                .masked(0x8a, new byte[0])
                .masked(0x80, utf8("nts"))
                .toBytes();
        assertEquals(List.of("ping 61", "pong ", "text fragments"), serverReads(wire));
    }

    @Test
    void readsEmptyMessagesAndEmptyFragments() throws IOException {
        byte[] wire = frames().masked(0x81, new byte[0]).masked(0x02, new byte[0]).masked(0x00, new byte[0])
                .masked(0x80, new byte[0]).toBytes();
        assertEquals(List.of("text ", "binary "), serverReads(wire));
    }

    @Test
    void validatesUtf8AcrossFragmentsSplitInsideACharacter() throws IOException {
        byte[] euro = utf8("€"); // e2 82 ac
        byte[] wire = frames().masked(0x01, new byte[] {euro[0]}).masked(0x00, new byte[] {euro[1]})
                .masked(0x80, new byte[] {euro[2]}).toBytes();
        assertEquals(List.of("text €"), serverReads(wire));
    }

    @Test
    void rejectsInvalidUtf8InAFragmentBeforeTheMessageEnds() {
        byte[] wire = frames().masked(0x01, Wire.hex("ce ba e1 bd b9 ed a0 80")).toBytes();
        assertServerRejects(1007, "text message is not valid UTF-8", wire);
    }

    @Test
    void rejectsInvalidUtf8AsSoonAsItArrivesInsideAFrame() {
        // The Autobahn case 6.4.3: f4 90 starts a code point above U+10FFFF; the rest of the frame never comes.
        byte[] frame = frames().masked(0x81, Wire.hex("cebae1bdb9cf83cebcceb5 f4908080 65646974656421")).toBytes();
        assertServerRejects(1007, "text message is not valid UTF-8", Arrays.copyOf(frame, 6 + 11 + 2));
        byte[] fragments = frames().masked(0x01, Wire.hex("cebae1bdb9cf83cebcceb5"))
                .masked(0x00, Wire.hex("f4908080")).masked(0x80, Wire.hex("656469")).toBytes();
        assertServerRejects(1007, "text message is not valid UTF-8", Arrays.copyOf(fragments, 6 + 11 + 6 + 2));
    }

    @Test
    void rejectsTextEndingInsideACharacter() {
        byte[] wire = frames().masked(0x81, Wire.hex("41 e2 82")).toBytes();
        assertServerRejects(1007, "text message ends inside a UTF-8 sequence", wire);
    }

    @Test
    void acceptsAnyBytesInBinaryMessages() throws IOException {
        assertEquals(List.of("binary c0afeda080"), serverReads(frames().masked(0x82, Wire.hex("c0af eda080"))
                .toBytes()));
    }

    @Test
    void rejectsUnmaskedClientFramesAndMaskedServerFrames() {
        assertServerRejects(1002, "frame from the client is not masked", frames().unmasked(0x81, utf8("x")).toBytes());
        WebSocketProtocolException e = assertThrows(WebSocketProtocolException.class,
                () -> clientReads(frames().masked(0x81, utf8("x")).toBytes()));
        assertEquals("frame from the server is masked", e.getMessage());
        assertEquals(1002, e.closeCode());
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf})
    void rejectsReservedOpcodes(int opcode) {
        assertServerRejects(1002, "reserved opcode 0x" + Integer.toHexString(opcode),
                frames().masked(0x80 | opcode, new byte[0]).toBytes());
    }

    @Test
    void rejectsReservedBitsWithoutAnExtension() {
        assertServerRejects(1002, "reserved bit RSV1 set without a negotiated extension",
                frames().masked(0xc1, utf8("x")).toBytes());
        assertServerRejects(1002, "reserved bit RSV2 set without a negotiated extension",
                frames().masked(0xa1, utf8("x")).toBytes());
        assertServerRejects(1002, "reserved bit RSV3 set without a negotiated extension",
                frames().masked(0x91, utf8("x")).toBytes());
        assertServerRejects(1002, "reserved bit RSV2 set without a negotiated extension",
                frames().masked(0xf9, new byte[0]).toBytes());
    }

    @Test
    void rejectsControlFramesThatAreFragmentedOrLong() {
        assertServerRejects(1002, "fragmented ping frame", frames().masked(0x09, new byte[0]).toBytes());
        assertServerRejects(1002, "close frame payload of 126 bytes exceeds 125",
                frames().masked(0x88, new byte[126]).toBytes());
        assertServerRejects(1002, "pong frame payload of 126 bytes exceeds 125",
                frames().masked(0x8a, new byte[126]).toBytes());
    }

    @Test
    void rejectsBrokenFragmentSequences() {
        assertServerRejects(1002, "continuation frame without a message to continue",
                frames().masked(0x80, utf8("x")).toBytes());
        assertServerRejects(1002, "text frame inside a fragmented binary message",
                frames().masked(0x02, utf8("x")).masked(0x81, utf8("y")).toBytes());
        assertServerRejects(1002, "continuation frame without a message to continue",
                frames().masked(0x81, utf8("x")).masked(0x80, utf8("y")).toBytes());
    }

    @Test
    void rejectsLengthsThatAreNotMinimallyEncoded() {
        assertClientRejects(1002, "16-bit payload length 3 is not minimally encoded",
                Wire.hex("81 7e 00 03 61 62 63"));
        assertClientRejects(1002, "16-bit payload length 125 is not minimally encoded",
                frames().raw(0x82, 0x7e, 0x00, 0x7d).toBytes());
        assertClientRejects(1002, "64-bit payload length 3 is not minimally encoded",
                Wire.hex("81 7f 00 00 00 00 00 00 00 03 61 62 63"));
        assertServerRejects(1002, "64-bit payload length 65535 is not minimally encoded",
                frames().raw(0x82, 0xff, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4).toBytes());
        assertServerRejects(1002, "16-bit payload length 0 is not minimally encoded",
                frames().raw(0x89, 0xfe, 0, 0, 1, 2, 3, 4).toBytes());
    }

    @Test
    void rejectsA64BitLengthWithItsMostSignificantBitSet() {
        assertServerRejects(1002, "64-bit payload length has its most significant bit set",
                frames().raw(0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0).toBytes());
    }

    @Test
    void rejectsFramesAndMessagesOverTheLimits() {
        assertServerRejects(1009, "frame payload of 70001 bytes exceeds 70000 bytes (maxFrameBytes)",
                frames().raw(0x82, 0xff, 0, 0, 0, 0, 0, 0x01, 0x11, 0x71).toBytes());
        assertServerRejects(1009, "frame payload of 9223372036854775807 bytes exceeds 70000 bytes (maxFrameBytes)",
                frames().raw(0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff).toBytes());
        byte[] twoFrames = frames().masked(0x02, new byte[60_000]).masked(0x80, new byte[40_001]).toBytes();
        assertServerRejects(1009, "message exceeds 100000 bytes (maxMessageBytes)", twoFrames);
    }

    @Test
    void acceptsAMessageOfExactlyTheLimit() throws IOException {
        byte[] wire = frames().masked(0x02, new byte[60_000]).masked(0x80, new byte[40_000]).toBytes();
        var reader = new WebSocketFrameReader(Deliveries.stream(wire, 1000, 1000), Role.SERVER, MAX_FRAME,
                MAX_MESSAGE, null);
        assertEquals(100_000, ((Incoming.Binary) reader.readNext()).bytes().length);
    }

    @Test
    void reportsWhereTheStreamEnded() {
        EOFException header = assertThrows(EOFException.class, () -> serverReads(Wire.hex("81 85 37 fa")));
        assertEquals("stream ended inside a frame header", header.getMessage());
        EOFException payload = assertThrows(EOFException.class,
                () -> serverReads(Arrays.copyOf(frames().masked(0x81, utf8("Hello")).toBytes(), 9)));
        assertEquals("stream ended inside a frame payload", payload.getMessage());
    }
}
