package dev.wisp.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.WireOutput;
import dev.wisp.http2.hpack.HpackField;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the connection sends of its own while a writer holds its output: left for that writer, in order. Above all,
 * where a change of the peer's SETTINGS_INITIAL_WINDOW_SIZE takes effect in what goes out (RFC 9113 §6.5.3, §6.9.2):
 * at its acknowledgement. The peer counts every DATA frame before the acknowledgement against its old windows and
 * every one after against its new ones, as Python's h2 does, which ends the connection on a frame that breaks them.
 */
class Http2OutputLeftForTheHolderTest {
    private static final byte[] BODY = new byte[100];
    /** Four frames of the default size, 16,384 bytes. */
    private static final byte[] LARGE_BODY = new byte[60_000];

    private final GatedStream sink = new GatedStream();
    private final Http2Output output = new Http2Output(WireOutput.of(sink), TimeUnit.SECONDS.toNanos(10));
    private final Map<Integer, TestStream> streams = new ConcurrentHashMap<>();
    private final List<Thread> writers = new ArrayList<>();

    @AfterEach
    void endOutput() throws InterruptedException {
        sink.open();
        output.end("test over");
        for (Thread writer : writers) {
            writer.join(5_000);
        }
    }

    @Test
    void aWindowRaisedWhileAWriterHoldsTheOutputOpensAtTheAcknowledgement() throws Exception {
        Settings narrow = settings(20_000);
        output.applyPeerSettings(Settings.DEFAULT, narrow, streams.values());
        TestStream stream = accept(1);
        Future<Void> body = writeBlockedInItsFirstFrame(stream);

        output.applyPeerSettings(narrow, settings(1_000_000), streams.values()); // the reading thread: no wait
        sink.open();
        body.get(5, TimeUnit.SECONDS);

        // 20,000 bytes within the old window, then the acknowledgement, then the rest within the new one.
        assertEquals(List.of("SETTINGS ACK", "DATA 1 16384 bytes", "DATA 1 3616 bytes", "SETTINGS ACK",
                "DATA 1 16384 bytes", "DATA 1 16384 bytes", "DATA 1 7232 bytes END_STREAM"), sink.frames());
        assertEquals(1_000_000 - LARGE_BODY.length, stream.sendWindow.size());
    }

    @Test
    void aWindowLoweredWhileAWriterHoldsTheOutputClosesAtTheAcknowledgement() throws Exception {
        TestStream stream = accept(1);
        Future<Void> body = writeBlockedInItsFirstFrame(stream);

        output.applyPeerSettings(Settings.DEFAULT, settings(0), streams.values());
        sink.open();
        body.get(5, TimeUnit.SECONDS); // sent within the old window, which held it whole

        assertEquals(List.of("DATA 1 16384 bytes", "DATA 1 16384 bytes", "DATA 1 16384 bytes",
                "DATA 1 10848 bytes END_STREAM", "SETTINGS ACK"), sink.frames());
        assertEquals(-LARGE_BODY.length, stream.sendWindow.size());
    }

    @Test
    void aLoweredWindowHoldsDataFromTheAcknowledgementOnAndARaisedOneLetsItGo() throws Exception {
        TestStream stream = accept(1);
        output.writeData(stream, BODY, 0, BODY.length, false);
        Settings closed = settings(0);
        output.applyPeerSettings(Settings.DEFAULT, closed, streams.values());
        assertEquals(-100, stream.sendWindow.size(), "65,535 - 100 in flight, shifted by -65,535");
        TestStream later = accept(3);
        assertEquals(0, later.sendWindow.size(), "a stream made after the acknowledgement starts with the new window");

        Future<Void> held = write(stream);
        assertThrows(TimeoutException.class, () -> held.get(200, TimeUnit.MILLISECONDS));
        output.applyPeerSettings(closed, settings(1_000), streams.values());
        held.get(5, TimeUnit.SECONDS);

        assertEquals(List.of("DATA 1 100 bytes", "SETTINGS ACK", "SETTINGS ACK", "DATA 1 100 bytes END_STREAM"),
                sink.frames());
        assertEquals(800, stream.sendWindow.size());
        assertEquals(1_000, later.sendWindow.size());
    }

    @Test
    void aStreamMadeWhileTheSettingsWaitForTheOutputGetsTheirChangeOnce() throws Exception {
        sink.holdWrites();
        write(() -> output.write(new PingFrame(false, 1)));
        sink.awaitBlocked();
        Settings wide = settings(200_000);
        output.applyPeerSettings(Settings.DEFAULT, wide, streams.values()); // left for the holder
        TestStream before = accept(1);
        assertEquals(65_535, before.sendWindow.size(), "not shifted before the acknowledgement");
        sink.open();
        awaitAcknowledgements(1);
        assertEquals(200_000, before.sendWindow.size());
        assertEquals(200_000, accept(3).sendWindow.size(), "the new initial window, for a stream made after");
    }

    @Test
    void aHeaderBlockOfTheConnectionsOwnIsLeftForTheHolderAndEncodedInTheOrderItGoesOut() throws Exception {
        TestStream stream = accept(1);
        Future<Void> body = writeBlockedInItsFirstFrame(stream);
        List<HpackField> refusal = List.of(new HpackField(":status", "431"), new HpackField("content-length", "0"));
        output.writeHeaders(3, refusal, true); // the reading thread: does not wait for the blocked writer
        output.writeHeaders(5, refusal, true);
        sink.open();
        body.get(5, TimeUnit.SECONDS);

        List<String> frames = sink.frames();
        assertEquals(List.of("DATA 1 16384 bytes", "DATA 1 16384 bytes", "DATA 1 16384 bytes",
                "DATA 1 10848 bytes END_STREAM"), frames.subList(0, 4));
        assertTrue(frames.get(4).startsWith("HEADERS 3 ") && frames.get(4).endsWith(" END_STREAM"), frames::toString);
        assertTrue(frames.get(5).startsWith("HEADERS 5 "), frames::toString);
        // The second block refers to the first one's entries in the dynamic table: encoded in order, it is shorter.
        assertTrue(frames.get(5).length() < frames.get(4).length(), frames::toString);
        assertEquals(6, frames.size());
    }

    @Test
    void aChangeThatTakesAWindowBeyond2To31Minus1IsAConnectionError() throws Exception {
        TestStream stream = accept(1);
        stream.sendWindow.expand(Settings.MAX_WINDOW_SIZE - 65_535 - 10);
        ConnectionException e = assertThrows(ConnectionException.class,
                () -> output.applyPeerSettings(Settings.DEFAULT, settings(65_546), streams.values()));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR, e.errorCode());
        assertEquals(List.of(), sink.frames(), "not acknowledged");
    }

    private void awaitAcknowledgements(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sink.frames().stream().filter("SETTINGS ACK"::equals).count() < count) {
            assertTrue(System.nanoTime() < deadline, "no acknowledgement: " + sink.frames());
            Thread.sleep(5);
        }
    }

    private static Settings settings(int initialWindow) {
        return Settings.builder().initialWindowSize(initialWindow).build();
    }

    private TestStream accept(int id) {
        return output.acceptStream(id, (streamId, sendWindow) -> {
            TestStream stream = new TestStream(streamId, sendWindow);
            streams.put(streamId, stream);
            return stream;
        });
    }

    /** Writes {@link #LARGE_BODY} on a thread of its own, which holds the output blocked on the peer in a frame. */
    private Future<Void> writeBlockedInItsFirstFrame(TestStream stream) throws InterruptedException {
        sink.holdWrites();
        Future<Void> body = write(stream, LARGE_BODY);
        sink.awaitBlocked();
        return body;
    }

    private Future<Void> write(TestStream stream) {
        return write(stream, BODY);
    }

    private Future<Void> write(TestStream stream, byte[] body) {
        return write(() -> output.writeData(stream, body, 0, body.length, true));
    }

    private Future<Void> write(IoAction action) {
        FutureTask<Void> task = new FutureTask<>(() -> {
            action.run();
            return null;
        });
        Thread writer = Thread.ofVirtual().start(task);
        writers.add(writer);
        return task;
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private static final class TestStream extends Http2Stream {
        TestStream(int id, int sendWindow) {
            super(id, -1, 65_535, sendWindow, false);
        }

        @Override
        protected IOException resetException(ErrorCode code, boolean byPeer) {
            return new IOException("stream " + id() + " reset: " + code);
        }

        @Override
        protected IOException readTimeoutException() {
            return new IOException("read timed out");
        }
    }

    /** The peer's side of the socket: keeps what arrives, and once told to, blocks writes as a full socket does. */
    private static final class GatedStream extends OutputStream {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final CountDownLatch blocked = new CountDownLatch(1);
        private volatile CountDownLatch gate = new CountDownLatch(0);

        void holdWrites() {
            gate = new CountDownLatch(1);
        }

        void awaitBlocked() throws InterruptedException {
            assertTrue(blocked.await(5, TimeUnit.SECONDS), "no write blocked");
        }

        void open() {
            gate.countDown();
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            CountDownLatch current = gate;
            if (current.getCount() > 0) {
                blocked.countDown();
                try {
                    assertTrue(current.await(10, TimeUnit.SECONDS), "the gate stayed shut");
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            synchronized (received) {
                received.write(bytes, offset, length);
            }
        }

        List<String> frames() {
            byte[] wire;
            synchronized (received) {
                wire = received.toByteArray();
            }
            try {
                return Frames.read(wire).stream()
                        .map(frame -> frame.startsWith("DATA ") ? dataSummary(frame) : frame)
                        .toList();
            } catch (IOException e) {
                throw new AssertionError("unreadable output", e);
            }
        }

        /** "DATA 1 <hex> END_STREAM" as "DATA 1 100 bytes END_STREAM". */
        private static String dataSummary(String frame) {
            String[] parts = frame.split(" ");
            String summary = "DATA " + parts[1] + " " + parts[2].length() / 2 + " bytes";
            return parts.length > 3 ? summary + " " + parts[3] : summary;
        }
    }
}
