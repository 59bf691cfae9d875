package dev.wisp.transport;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.LogCapture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link InputWatcher} over real loopback connections: a watched connection's task runs once, on a thread of the
 * factory, when bytes arrive, when the peer closes, when the input is shut (the sweeper's timeout) or the
 * transport closed, or when the watcher closes; the channel blocks again for the task, and no byte is lost.
 */
class InputWatcherIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long WRITE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    /** The logger System.getLogger hands the watcher, held here so that the level set on it stays. */
    private static final Logger WATCHER_LOG = Logger.getLogger(InputWatcher.class.getName());

    private ServerSocketChannel listener;
    private InputWatcher watcher;
    private final List<SocketChannel> peers = new ArrayList<>();
    private Level logLevel;

    @BeforeEach
    void open() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 1024);
        watcher = InputWatcher.start("test-watcher", Thread.ofVirtual().name("test-task").factory());
    }

    @AfterEach
    void close() throws IOException {
        WATCHER_LOG.setLevel(logLevel);
        watcher.close();
        for (SocketChannel peer : peers) {
            peer.close();
        }
        listener.close();
    }

    /** Connects a peer and returns the accepted side as a plaintext transport; the peer is in {@link #peers}. */
    private PlainTransport acceptPlain() throws IOException {
        SocketChannel peer = SocketChannel.open(listener.getLocalAddress());
        peers.add(peer);
        return PlainTransport.of(listener.accept(), WRITE_TIMEOUT);
    }

    /** What a task saw when it ran. */
    record Run(String thread, boolean blocking, int firstByte, Throwable failure) {
    }

    private static Runnable reading(Transport transport, BlockingQueue<Run> runs) {
        return () -> {
            boolean blocking = transport.channel().isBlocking();
            try {
                runs.add(new Run(Thread.currentThread().getName(), blocking, transport.input().read(), null));
            } catch (IOException e) {
                runs.add(new Run(Thread.currentThread().getName(), blocking, -2, e));
            }
        };
    }

    private static void send(SocketChannel peer, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(US_ASCII));
        while (bytes.hasRemaining()) {
            peer.write(bytes);
        }
    }

    @Test
    void runsTheTaskOnceBytesArriveAndLosesNone() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            PlainTransport transport = acceptPlain();
            BlockingQueue<Run> runs = new LinkedBlockingQueue<>();
            assertTrue(watcher.watch(transport, reading(transport, runs)));
            assertNull(runs.poll(200, TimeUnit.MILLISECONDS), "nothing arrived: the task waits");
            send(peers.get(0), "hello");
            Run run = runs.take();
            assertEquals("test-task", run.thread());
            assertTrue(run.blocking(), "the task reads a blocking channel again");
            assertEquals('h', run.firstByte());
            byte[] rest = new byte[4];
            assertEquals(4, transport.input().readNBytes(rest, 0, 4));
            assertArrayEquals("ello".getBytes(US_ASCII), rest);
            assertNull(runs.poll(100, TimeUnit.MILLISECONDS), "the task ran once");

            assertTrue(watcher.watch(transport, reading(transport, runs)), "a connection may be watched again");
            send(peers.get(0), "!");
            assertEquals('!', runs.take().firstByte());
            transport.close();
        });
    }

    @Test
    void wakesOnThePeersCloseAndOnAShutInput() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            PlainTransport closedByPeer = acceptPlain();
            PlainTransport timedOut = acceptPlain();
            BlockingQueue<Run> peerRuns = new LinkedBlockingQueue<>();
            BlockingQueue<Run> sweptRuns = new LinkedBlockingQueue<>();
            watcher.watch(closedByPeer, reading(closedByPeer, peerRuns));
            watcher.watch(timedOut, reading(timedOut, sweptRuns));
            peers.get(0).close();
            assertEquals(-1, peerRuns.take().firstByte());
            timedOut.shutdownInput(); // as the sweeper does at a deadline
            assertEquals(-1, sweptRuns.take().firstByte());
            assertTrue(timedOut.isOpen(), "a shut input leaves the connection open, for a last answer (408, GOAWAY)");
            closedByPeer.close();
            timedOut.close();
        });
    }

    @Test
    void aWatchWhoseDeadlinePassedEndsWithoutTheSelection() {
        // The sweeper also ends the wait itself, since a watch that a full heap kept from its registration is never
        // selected: here the input is not shut, so only that ending can run the task; no byte is lost by it.
        assertTimeoutPreemptively(TIMEOUT, () -> {
            PlainTransport transport = acceptPlain();
            BlockingQueue<Run> runs = new LinkedBlockingQueue<>();
            CountDownLatch started = new CountDownLatch(1);
            Runnable reading = reading(transport, runs);
            watcher.watch(transport, () -> {
                started.countDown();
                reading.run();
            });
            Thread.sleep(50); // registered by now: the expiry cancels its key
            transport.expireWatch();
            assertTrue(started.await(10, TimeUnit.SECONDS), "the task ran, with nothing to read");
            assertFalse(transport.isWatched(), "the wait ended");
            peers.get(0).write(ByteBuffer.wrap(new byte[] {'x'}));
            Run run = runs.take();
            assertTrue(run.blocking(), "the channel blocks again for the task");
            assertEquals('x', run.firstByte(), "the task reads the byte sent after the wait ended");
            assertNull(runs.poll(100, TimeUnit.MILLISECONDS), "the task ran once");
            transport.expireWatch(); // no wait any more: nothing to do
            transport.close();
        });
    }

    @Test
    void closingTheTransportRunsTheTaskAndLetsGoOfTheSocket() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            PlainTransport transport = acceptPlain();
            BlockingQueue<Run> runs = new LinkedBlockingQueue<>();
            watcher.watch(transport, reading(transport, runs));
            Thread.sleep(50); // let the watcher register it; closing before that is covered by the next case
            transport.close();
            Run run = runs.take();
            assertTrue(run.failure() instanceof ClosedChannelException, "the task finds the channel closed");
            // The descriptor goes once the selector lets go of the key: the peer then reads the end of the stream.
            ByteBuffer one = ByteBuffer.allocate(1);
            assertEquals(-1, peers.get(0).read(one));

            PlainTransport early = acceptPlain();
            BlockingQueue<Run> earlyRuns = new LinkedBlockingQueue<>();
            watcher.watch(early, reading(early, earlyRuns));
            early.close();
            assertTrue(earlyRuns.take().failure() instanceof ClosedChannelException);
            assertNull(earlyRuns.poll(100, TimeUnit.MILLISECONDS), "the task ran once");
        });
    }

    @Test
    void closingTheWatcherRunsEveryTaskAndRefusesNewWatches() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            BlockingQueue<Run> runs = new LinkedBlockingQueue<>();
            List<PlainTransport> transports = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                PlainTransport transport = acceptPlain();
                transports.add(transport);
                watcher.watch(transport, () -> runs.add(new Run(Thread.currentThread().getName(),
                        transport.channel().isBlocking(), 0, null)));
            }
            watcher.close();
            for (int i = 0; i < 20; i++) {
                assertTrue(runs.take().blocking());
            }
            PlainTransport late = acceptPlain();
            assertFalse(watcher.watch(late, () -> runs.add(new Run("late", true, 0, null))),
                    "a closed watcher refuses: the caller waits on its own thread");
            assertNull(runs.poll(100, TimeUnit.MILLISECONDS));
            for (PlainTransport transport : transports) {
                transport.close();
            }
            late.close();
        });
    }

    @Test
    void refusesATransportThatHoldsInputAlready() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            PlainTransport transport = acceptPlain();
            send(peers.get(0), "x");
            while (transport.pollInput() == IdleInput.EMPTY) {
                Thread.sleep(5); // bounded by the test's timeout
            }
            assertTrue(transport.hasBufferedInput());
            assertFalse(watcher.watch(transport, () -> { }), "the byte read ahead would never wake the selector");
            assertEquals('x', transport.input().read());
            transport.close();
        });
    }

    @Test
    void triesAgainWhenAThreadCannotStart() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            AtomicInteger refusals = new AtomicInteger(3);
            ThreadFactory virtual = Thread.ofVirtual().factory();
            ThreadFactory failingAtFirst = task -> {
                if (refusals.getAndDecrement() > 0) {
                    throw new OutOfMemoryError("unable to create a thread (simulated by the factory)");
                }
                return virtual.newThread(task);
            };
            try (InputWatcher flaky = InputWatcher.start("flaky-watcher", failingAtFirst)) {
                PlainTransport transport = acceptPlain();
                BlockingQueue<Run> runs = new LinkedBlockingQueue<>();
                flaky.watch(transport, reading(transport, runs));
                send(peers.get(0), "y");
                assertEquals('y', runs.take().firstByte());
                assertTrue(refusals.get() < 0, "the start was refused three times, then succeeded");
                transport.close();
            }
        });
    }

    @Test
    void aTaskWhoseThreadCannotStartAfterTheWatcherClosedStillRuns() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            ThreadFactory refusing = task -> {
                throw new OutOfMemoryError("unable to create a thread (simulated by the factory)");
            };
            InputWatcher starved = InputWatcher.start("starved-watcher", refusing);
            PlainTransport transport = acceptPlain();
            BlockingQueue<Run> runs = new LinkedBlockingQueue<>();
            assertTrue(starved.watch(transport, reading(transport, runs)));
            send(peers.get(0), "z");

            starved.close();
            Run run = runs.take();
            assertEquals("starved-watcher", run.thread(), "run on the watcher's own thread as it shut down");
            assertEquals('z', run.firstByte(), "the task read its connection: nothing was lost");
            transport.close();
        });
    }

    @Test
    void movesItsWaitsToANewSelectorWhenASelectionFailsAndGoesOn() {
        // As a selector holding a stale key fails every selection after (EEXIST), until it is made anew.
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (LogCapture log = captureLog()) {
                BlockingQueue<Run> runs = new LinkedBlockingQueue<>();
                PlainTransport waiting = acceptWatched(runs);
                while (!waiting.channel().isRegistered()) {
                    Thread.onSpinWait(); // bounded by the test's timeout
                }
                watcher.failSelections(new IOException("File exists (a stale key, made up by the test)"), false);
                LogRecord warning = awaitRecord(log, Level.WARNING);
                assertEquals("the input watcher's selection failed (File exists (a stale key, made up by the test));"
                        + " its waits move to a new selector, tried again with pauses of up to 500 ms (logged again"
                        + " at most once a minute)", warning.getMessage());
                awaitRecord(log, Level.INFO);
                assertTrue(waiting.isWatched(), "the wait went on, in the new selector");

                send(peers.get(0), "a");
                Run run = runs.take();
                assertTrue(run.blocking());
                assertEquals('a', run.firstByte(), "the moved wait was woken by its bytes");
                PlainTransport later = acceptWatched(runs);
                send(peers.get(1), "b");
                assertEquals('b', runs.take().firstByte());
                assertEquals(1, count(log, Level.WARNING), "one warning: " + log.records());
                waiting.close();
                later.close();
            }
        });
    }

    @Test
    void pausesBetweenTriesWhileEverySelectorFailsAndRecoversAfter() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (LogCapture log = captureLog()) {
                BlockingQueue<Run> runs = new LinkedBlockingQueue<>();
                PlainTransport transport = acceptWatched(runs);
                watcher.failSelections(new IOException("Bad file descriptor (made up by the test)"), true);
                send(peers.get(0), "c");
                assertNull(runs.poll(600, TimeUnit.MILLISECONDS), "no selection, no wake-up");
                // Pauses of 10, 20, 40, 80, 160, 320 ms: about 6 tries in 600 ms, where a spin would make thousands.
                long failures = log.records().stream()
                        .filter(record -> record.getMessage().startsWith("the input watcher's selection failed"))
                        .count();
                assertTrue(failures >= 3 && failures <= 12, failures + " failed selections: " + log.records());
                assertEquals(1, count(log, Level.WARNING), "one warning for the run of failures");

                watcher.stopFailingSelections();
                assertEquals('c', runs.take().firstByte(), "woken once a new selector works");
                assertTrue(watcher.watch(transport, reading(transport, runs)));
                send(peers.get(0), "d");
                assertEquals('d', runs.take().firstByte());
                transport.close();
            }
        });
    }

    /** Accepts a connection and watches it with a task that reads one byte into {@code runs}. */
    private PlainTransport acceptWatched(BlockingQueue<Run> runs) throws IOException {
        PlainTransport transport = acceptPlain();
        assertTrue(watcher.watch(transport, reading(transport, runs)), "the watcher takes the wait");
        return transport;
    }

    /** Captures what the watcher logs, every level, until the test ends. */
    private LogCapture captureLog() {
        logLevel = WATCHER_LOG.getLevel();
        WATCHER_LOG.setLevel(Level.ALL);
        return LogCapture.of(WATCHER_LOG.getName());
    }

    private static LogRecord awaitRecord(LogCapture log, Level level) {
        while (true) { // bounded by the test's timeout
            for (LogRecord record : log.records()) {
                if (record.getLevel() == level) {
                    return record;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static long count(LogCapture log, Level level) {
        return log.records().stream().filter(record -> record.getLevel() == level).count();
    }

    @Test
    void wakesEachOfManyTlsConnectionsOnce() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            SSLContext serverContext = TestTls.serverContext();
            SSLContext clientContext = TestTls.clientContext();
            TlsBuffers serverBuffers = TlsBuffers.forContext(serverContext, 64);
            TlsBuffers clientBuffers = TlsBuffers.forContext(clientContext, 64);
            int count = 50;
            List<TlsTransport> clients = new ArrayList<>();
            List<TlsTransport> servers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                SocketChannel clientChannel = SocketChannel.open(listener.getLocalAddress());
                SocketChannel serverChannel = listener.accept();
                SSLEngine clientEngine = clientContext.createSSLEngine("localhost", 443);
                clientEngine.setUseClientMode(true);
                SSLEngine serverEngine = serverContext.createSSLEngine();
                serverEngine.setUseClientMode(false);
                TlsTransport client = TlsTransport.of(clientChannel, clientEngine, clientBuffers, WRITE_TIMEOUT);
                TlsTransport server = TlsTransport.of(serverChannel, serverEngine, serverBuffers, WRITE_TIMEOUT);
                CompletableFuture<Void> handshake = CompletableFuture.runAsync(() -> {
                    try {
                        client.handshake();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                server.handshake();
                handshake.get(10, TimeUnit.SECONDS);
                clients.add(client);
                servers.add(server);
            }
            BlockingQueue<Run> runs = new LinkedBlockingQueue<>();
            for (TlsTransport server : servers) {
                assertTrue(watcher.watch(server, reading(server, runs)));
            }
            for (int i = 0; i < count; i++) {
                clients.get(i).output().write('a' + i % 26);
            }
            int sum = 0;
            for (int i = 0; i < count; i++) {
                Run run = runs.take();
                assertTrue(run.blocking());
                sum += run.firstByte();
            }
            int expected = 0;
            for (int i = 0; i < count; i++) {
                expected += 'a' + i % 26;
            }
            assertEquals(expected, sum, "every connection's byte, each read once");
            assertNull(runs.poll(100, TimeUnit.MILLISECONDS), "no task ran twice");
            for (int i = 0; i < count; i++) {
                clients.get(i).close();
                servers.get(i).close();
            }
        });
    }
}
