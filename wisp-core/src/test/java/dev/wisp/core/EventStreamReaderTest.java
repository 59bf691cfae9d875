package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventStreamReaderTest {
    private static List<ServerSentEvent> readAll(InputStream in, int maxEventBytes) throws IOException {
        EventStreamReader reader = new EventStreamReader(in, maxEventBytes);
        List<ServerSentEvent> events = new ArrayList<>();
        for (Optional<ServerSentEvent> event = reader.next(); event.isPresent(); event = reader.next()) {
            events.add(event.get());
        }
        return events;
    }

    private static List<ServerSentEvent> readAll(String stream) throws IOException {
        return readAll(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), 1 << 20);
    }

    /** The same stream whole, one byte per read, and split in two at every offset: the events must not change. */
    private static List<ServerSentEvent> readEveryWay(String stream) throws IOException {
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        List<ServerSentEvent> whole = readAll(new ByteArrayInputStream(bytes), 1 << 20);
        byte[][] single = new byte[bytes.length][];
        for (int i = 0; i < bytes.length; i++) {
            single[i] = new byte[] {bytes[i]};
        }
        assertEquals(whole, readAll(new ScriptedInputStream(single), 1 << 20), "one byte at a time");
        for (int split = 1; split < bytes.length; split++) {
            byte[] first = java.util.Arrays.copyOf(bytes, split);
            byte[] second = java.util.Arrays.copyOfRange(bytes, split, bytes.length);
            assertEquals(whole, readAll(new ScriptedInputStream(first, second), 1 << 20), "split at " + split);
        }
        return whole;
    }

    @Test
    void readsTheStandardsExamples() throws IOException {
        // WHATWG HTML §9.2.6: the stock-ticker example and the two-event example with a comment and an id.
        assertEquals(List.of(new ServerSentEvent(null, "YHOO\n+2\n10", "")),
                readEveryWay("data: YHOO\ndata: +2\ndata: 10\n\n"));
        assertEquals(List.of(new ServerSentEvent(null, "first event", "1"),
                        new ServerSentEvent(null, "second event", ""),
                        new ServerSentEvent(null, " third event", "")),
                readEveryWay(": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\n"
                        + "data:  third event\n\n"));
        // Two events, the second an empty one; the data field without a colon.
        assertEquals(List.of(new ServerSentEvent(null, "", ""), new ServerSentEvent(null, "\n", "")),
                readEveryWay("data\n\ndata\ndata\n\ndata:\n"));
        // Only one leading space is dropped.
        assertEquals(List.of(new ServerSentEvent(null, "test", ""), new ServerSentEvent(null, "test", "")),
                readEveryWay("data:test\n\ndata: test\n\n"));
    }

    @Test
    void takesTheEventTypeAndKeepsTheLastIdAcrossEvents() throws IOException {
        assertEquals(List.of(new ServerSentEvent("add", "73857293", "7"), new ServerSentEvent("message", "x", "7"),
                        new ServerSentEvent("remove", "2153", "8")),
                readEveryWay("event: add\nid: 7\ndata: 73857293\n\ndata: x\n\nevent: remove\ndata: 2153\nid: 8\n\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r", "\r\n"})
    void takesEveryLineEnd(String end) throws IOException {
        String stream = "event: e" + end + "data: a" + end + "data: b" + end + end;
        assertEquals(List.of(new ServerSentEvent("e", "a\nb", "")), readEveryWay(stream));
    }

    @Test
    void readsCrThenLfAsOneLineEndButCrCrAsTwo() throws IOException {
        assertEquals(List.of(new ServerSentEvent(null, "a", ""), new ServerSentEvent(null, "b", "")),
                readEveryWay("data: a\r\r\ndata: b\r\n\r\n"));
    }

    @Test
    void dispatchesAtALoneCrWithoutWaitingForTheNextByte() throws IOException {
        // The stream stays open after "\r\r": the event must come out without another read, which would block.
        InputStream endlessAfterCr = new InputStream() {
            private final byte[] bytes = "data: now\r\r".getBytes(StandardCharsets.US_ASCII);
            private int position;

            @Override
            public int read() {
                throw new AssertionError("read one byte");
            }

            @Override
            public int read(byte[] destination, int offset, int length) {
                if (position == bytes.length) {
                    throw new AssertionError("read past the event: it would have blocked");
                }
                destination[offset] = bytes[position++];
                return 1;
            }
        };
        EventStreamReader reader = new EventStreamReader(endlessAfterCr, 1024);
        assertEquals(Optional.of(ServerSentEvent.of("now").withId("")), reader.next());
    }

    @Test
    void dropsAnEventTheStreamEndsInTheMiddleOf() throws IOException {
        assertEquals(List.of(ServerSentEvent.of("whole")), readEveryWay("data: whole\n\ndata: cut\n"));
        assertEquals(List.of(), readEveryWay("data: cut"));
    }

    @Test
    void ignoresCommentsUnknownFieldsAndEventsWithoutData() throws IOException {
        assertEquals(List.of(new ServerSentEvent(null, "d", "2")),
                readEveryWay(":hi\nfoo: bar\nData: no\nevent: lonely\n\nid: 2\n\n:x\ndata: d\n\n"));
    }

    @Test
    void takesAnIdOnlyAtTheBlankLine() throws IOException {
        EventStreamReader reader = reader("id: 1\ndata: a\n\nid: 2\ndata: cut");
        assertEquals(Optional.of(new ServerSentEvent(null, "a", "1")), reader.next());
        assertEquals(Optional.empty(), reader.next());
        assertEquals("1", reader.lastEventId(), "the id of an event the stream ended in the middle of");
        EventStreamReader idAlone = reader("id: 5\n\n");
        assertEquals(Optional.empty(), idAlone.next());
        assertEquals("5", idAlone.lastEventId(), "a blank line after an id without data");
        EventStreamReader goingOn = new EventStreamReader(new ByteArrayInputStream(
                "data: b\n\n".getBytes(StandardCharsets.UTF_8)), 64, "7");
        assertEquals(Optional.of(new ServerSentEvent(null, "b", "7")), goingOn.next());
    }

    @Test
    void ignoresAnIdWithNul() throws IOException {
        assertEquals(List.of(new ServerSentEvent(null, "a", "1"), new ServerSentEvent(null, "b", "1")),
                readEveryWay("id: 1\ndata: a\n\nid: 2\u0000\ndata: b\n\n"));
    }

    @Test
    void takesRetryOnlyAsDigits() throws IOException {
        EventStreamReader reader = reader("retry: 1500\n\nretry: 2s\n\nretry: -1\n\nretry\n\ndata: x\n\n");
        reader.next();
        assertEquals(Optional.of(Duration.ofMillis(1500)), reader.retry());
        assertEquals(Optional.empty(), reader("retry: 1 5\n\ndata: x\n\n").retry());
        EventStreamReader huge = reader("retry: 99999999999999999999999\ndata: x\n\n");
        huge.next();
        assertTrue(huge.retry().orElseThrow().toDays() > 365);
    }

    @Test
    void dropsOneLeadingBomOnly() throws IOException {
        assertEquals(List.of(ServerSentEvent.of("a")), readEveryWay("\uFEFFdata: a\n\n"));
        assertEquals(List.of(ServerSentEvent.of("a")), readEveryWay("\uFEFF\uFEFFfoo\ndata: a\n\n"));
        assertEquals(List.of(new ServerSentEvent("\uFEFF", "a", "")), readEveryWay("event: \uFEFF\ndata: a\n\n"));
    }

    @Test
    void readsMalformedUtf8AsReplacementCharacters() throws IOException {
        byte[] bytes = {'d', 'a', 't', 'a', ':', ' ', (byte) 0xC3, 'x', (byte) 0xFF, '\n', '\n'};
        assertEquals(List.of(ServerSentEvent.of("\uFFFDx\uFFFD")), readAll(new ByteArrayInputStream(bytes), 64));
    }

    @Test
    void refusesALineLongerThanTheLimit() {
        MessageTooLargeException tooLarge = assertThrows(MessageTooLargeException.class,
                () -> readAll(new ByteArrayInputStream((":" + "c".repeat(300) + "\n").getBytes(StandardCharsets.UTF_8)),
                        256));
        assertEquals("maxEventBytes", tooLarge.limitName());
        assertEquals("server-sent event exceeds 256 bytes (maxEventBytes)", tooLarge.getMessage());
    }

    @Test
    void refusesAnEventWhoseDataLinesTogetherCrossTheLimit() throws IOException {
        String line = "data: " + "d".repeat(90) + "\n";
        assertEquals(3, readAll(new ByteArrayInputStream((line + "\n").repeat(3).getBytes(StandardCharsets.UTF_8)),
                256).size(), "each event alone is within the limit");
        assertThrows(MessageTooLargeException.class, () -> readAll(
                new ByteArrayInputStream((line.repeat(3) + "\n").getBytes(StandardCharsets.UTF_8)), 256));
    }

    @Test
    void countsNothingForHeartbeatsBetweenEvents() throws IOException {
        String stream = ":\n".repeat(10_000) + "data: after the heartbeats\n\n";
        assertEquals(List.of(ServerSentEvent.of("after the heartbeats")),
                readAll(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), 64));
    }

    @Test
    void roundTripsWhatTheWriterWrites() throws IOException {
        List<ServerSentEvent> sent = List.of(ServerSentEvent.of("plain"), ServerSentEvent.of("tick", "a\nb\r\nc\rd"),
                ServerSentEvent.of(" leading space").withId("42"), ServerSentEvent.of(""),
                ServerSentEvent.of("ends with a line end\n"), ServerSentEvent.of("ünïcødé ✓").withId("é"));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        EventStreamWriter writer = new EventStreamWriter(out);
        writer.comment("hello\nworld");
        writer.retry(Duration.ofSeconds(3));
        for (ServerSentEvent event : sent) {
            writer.write(event);
            writer.comment("");
        }
        EventStreamReader reader = new EventStreamReader(new ByteArrayInputStream(out.toByteArray()), 1024);
        List<ServerSentEvent> received = new ArrayList<>();
        for (Optional<ServerSentEvent> event = reader.next(); event.isPresent(); event = reader.next()) {
            received.add(event.get());
        }
        assertEquals(List.of(ServerSentEvent.of("plain"), ServerSentEvent.of("tick", "a\nb\nc\nd"),
                ServerSentEvent.of(" leading space").withId("42"), ServerSentEvent.of("").withId("42"),
                ServerSentEvent.of("ends with a line end\n").withId("42"),
                ServerSentEvent.of("ünïcødé ✓").withId("é")), received);
        assertEquals(Optional.of(Duration.ofSeconds(3)), reader.retry());
        assertEquals("é", reader.lastEventId());
    }

    @Test
    void readsRandomStreamsTheSameHoweverTheyArriveAndStaysWithinItsLimit() throws IOException {
        byte[] alphabet = ":datevnirydx \r\n\0\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        java.util.Random random = new java.util.Random(20261204);
        for (int round = 0; round < 2_000; round++) {
            byte[] bytes = new byte[random.nextInt(200)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256)
                        : alphabet[random.nextInt(alphabet.length)];
            }
            List<ServerSentEvent> whole;
            try {
                whole = readAll(new ByteArrayInputStream(bytes), 48);
            } catch (MessageTooLargeException e) {
                continue;
            }
            List<byte[]> pieces = new ArrayList<>();
            for (int start = 0; start < bytes.length; ) {
                int end = Math.min(bytes.length, start + 1 + random.nextInt(8));
                pieces.add(java.util.Arrays.copyOfRange(bytes, start, end));
                start = end;
            }
            assertEquals(whole, readAll(new ScriptedInputStream(pieces.toArray(byte[][]::new)), 48));
            for (ServerSentEvent event : whole) {
                assertTrue(event.data().getBytes(StandardCharsets.UTF_8).length <= 48 * 3, event.data());
            }
        }
    }

    private static EventStreamReader reader(String stream) {
        return new EventStreamReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), 1024);
    }
}
