package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.FrameType;
import dev.wisp.http2.ResetFrame;
import dev.wisp.http2.Setting;
import dev.wisp.http2.Settings;
import dev.wisp.http2.SettingsFrame;
import dev.wisp.http2.WindowUpdateFrame;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.TestTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * An HTTP/2 handler whose write is blocked on a client that does not read (its window wide open, its socket's buffer
 * full), up to the write timeout: the server's other connections go on meanwhile, and the connection ends promptly
 * when it has to (a connection error, the client's end, the server's stop), not when the write times out; and its
 * reading thread goes on taking the client's frames: a SETTINGS (applied at once, acknowledged once the output is
 * free), a WINDOW_UPDATE and a RST_STREAM each made it wait for the output, so the request that followed them waited
 * too.
 *
 * <p>Before, the reading side, woken by the client's end beside the write, could not tell the end from nothing and
 * handed its wait back to the input watcher, whose thread then waited for the write to switch the channel's
 * blocking mode, holding up every waiting connection of the server; then the reading side itself waited for the
 * write to switch it, and read no frame; then the connection's end waited for the write to let go of the output.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes (it mostly waits); its own tests one after another
class Http2StalledWriteIT {
    /** Far more than loopback's socket buffers hold, so the handler's write waits for the client. */
    private static final int FLOOD_BYTES = 64 << 20;
    private static final int MAX_WINDOW = Integer.MAX_VALUE;
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);
    /** Below the write timeout, which a test that fails waits for. */
    private static final Duration LIMIT = Duration.ofSeconds(45);
    /** Well below the write timeout, and generous for a loaded machine. */
    private static final long PROMPT_SECONDS = 20;
    private static final int PRIORITY = 0x2;
    private static final int WINDOW_UPDATE = 0x8;

    private final CountDownLatch writing = new CountDownLatch(1);
    private final CountDownLatch nextServed = new CountDownLatch(1);
    private final CompletableFuture<String> http2Closed = new CompletableFuture<>();
    private Server server;

    @BeforeAll
    static void plaintextOnly() {
        assumeFalse(TestTransport.isTls(), "the HTTP/2 client here speaks h2c and ends its side with a plain FIN");
    }

    @BeforeEach
    void startServer() {
        byte[] flood = new byte[FLOOD_BYTES];
        ConnectionListener listener = new ConnectionListener() {
            @Override
            public void closed(ConnectionInfo connection, String reason) {
                if (connection.protocol() == ConnectionProtocol.HTTP_2) {
                    http2Closed.complete(reason);
                }
            }
        };
        server = Server.create(Http2TestServers.config().writeTimeout(WRITE_TIMEOUT).connectionListener(listener)
                .port(0).build(), Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .get("/next", (request, response) -> {
                    nextServed.countDown();
                    response.send("next\n");
                })
                .get("/flood", (request, response) -> {
                    writing.countDown();
                    response.send(flood);
                })
                .build()).start();
    }

    @AfterEach
    void stopServer() {
        server.stop(Duration.ZERO);
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aWriteBlockedOnAClientThatDoesNotReadHoldsUpNoOtherWaitingConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (RawPeer idle = RawPeer.connect(server.port())) {
                assertAnswered(idle);
                try (Http2TestPeer stalled = stall()) {
                    stalled.shutdownOutput(); // wakes the stalled connection's wait, beside the blocked write
                    Thread.sleep(200);
                    assertAnswered(idle);
                }
            }
        });
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aConnectionErrorFromAClientThatDoesNotReadEndsTheConnectionAtOnce() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (RawPeer other = RawPeer.connect(server.port()); Http2TestPeer stalled = stall()) {
                waitAgainBesideTheWrite(stalled);
                // §6.9: a WINDOW_UPDATE of 0 on the connection is a connection error
                stalled.sendFrame(WINDOW_UPDATE, 0, 0, Http2TestPeer.bytes(0, 0, 0, 0));
                assertTrue(http2Closed.get(PROMPT_SECONDS, TimeUnit.SECONDS).contains("PROTOCOL_ERROR"));
                assertAnswered(other);
            }
        });
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aClientThatEndsItsSideWithoutReadingIsClosedAtOnce() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (RawPeer other = RawPeer.connect(server.port()); Http2TestPeer stalled = stall()) {
                waitAgainBesideTheWrite(stalled);
                stalled.shutdownOutput();
                assertEquals("peer closed", http2Closed.get(PROMPT_SECONDS, TimeUnit.SECONDS));
                assertAnswered(other);
            }
        });
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aStopWithAShortGraceClosesAConnectionWhoseClientDoesNotRead() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Http2TestPeer stalled = stall()) {
                long start = System.nanoTime();
                server.stop(Duration.ofMillis(500));
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                assertTrue(seconds < PROMPT_SECONDS, "the stop took " + seconds + " s");
                http2Closed.get(PROMPT_SECONDS, TimeUnit.SECONDS);
            }
        });
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void takesARequestAfterSettingsAndAcknowledgesThemOnceTheOutputIsFree() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Http2TestPeer stalled = stall()) {
                stalled.send(new SettingsFrame(List.of(new Setting(Settings.INITIAL_WINDOW_SIZE, MAX_WINDOW - 1))));
                stalled.get(3, "/next");
                assertTrue(nextServed.await(PROMPT_SECONDS, TimeUnit.SECONDS), "the request after SETTINGS was taken");
                while (true) { // bounded by the flood's end, and each read by the peer's read timeout
                    Http2TestPeer.Received frame = stalled.next();
                    if (frame.is(FrameType.SETTINGS) && frame.has(Http2TestPeer.ACK)) {
                        break;
                    }
                }
            }
        });
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void takesARequestAfterAWindowUpdate() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Http2TestPeer stalled = stall()) {
                stalled.send(new WindowUpdateFrame(0, 1), new WindowUpdateFrame(1, 1));
                stalled.get(3, "/next");
                assertTrue(nextServed.await(PROMPT_SECONDS, TimeUnit.SECONDS),
                        "the request after WINDOW_UPDATE was taken");
            }
        });
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void takesARequestAfterAResetOfTheBlockedStream() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Http2TestPeer stalled = stall()) {
                stalled.send(new ResetFrame(1, ErrorCode.CANCEL));
                stalled.get(3, "/next");
                assertTrue(nextServed.await(PROMPT_SECONDS, TimeUnit.SECONDS),
                        "the request after RST_STREAM was taken");
            }
        });
    }

    /** A client that asks for a response far larger than the socket's buffers, with windows to match, reading none. */
    private Http2TestPeer stall() throws Exception {
        Http2TestPeer stalled = Http2TestPeer.connect(server);
        stalled.handshake(new Setting(Settings.INITIAL_WINDOW_SIZE, MAX_WINDOW));
        stalled.send(new WindowUpdateFrame(0, MAX_WINDOW - Settings.DEFAULT.initialWindowSize()));
        stalled.get(1, "/flood");
        writing.await();
        Thread.sleep(500); // the socket's buffers fill, and the handler's write waits for the client
        return stalled;
    }

    /**
     * Sends a frame the connection handles without writing: its reading side wakes, and goes to wait again beside the
     * blocked write (it once waited for that write there).
     */
    private static void waitAgainBesideTheWrite(Http2TestPeer stalled) throws Exception {
        stalled.sendFrame(PRIORITY, 0, 1, Http2TestPeer.bytes(0, 0, 0, 0, 15));
        Thread.sleep(300);
    }

    private static void assertAnswered(RawPeer peer) throws Exception {
        peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("hello\n", peer.readResponse().bodyText(), "another connection was answered");
    }
}
