package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.http2.FrameType;
import dev.wisp.http2.PingFrame;
import dev.wisp.http2.Setting;
import dev.wisp.http2.Settings;
import dev.wisp.http2.WindowUpdateFrame;
import dev.wisp.testing.TestTransport;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A large response to a client whose flow-control windows are wide open (as browsers' are: MiBs per stream) shares
 * its connection: another stream's response and the acknowledgement of a PING sent while it is being written arrive
 * after what the sockets' buffers held then, not after the whole body; and while the body's write waits for a client
 * that does not read, the connection goes on reading its frames. Before, the body's writer held the connection's
 * output from its first frame to its last, and the reading thread waited for it to answer a PING.
 */
class Http2FairOutputIT {
    /** Far more than loopback's socket buffers hold, so the body is being written when the other requests come. */
    private static final int BIG_BYTES = 64 << 20;
    private static final int MAX_WINDOW = Integer.MAX_VALUE;
    private static final Duration LIMIT = Duration.ofSeconds(60);

    /** Well below the write timeout, and generous for a loaded machine. */
    private static final long PROMPT_SECONDS = 20;

    private final CountDownLatch writing = new CountDownLatch(1);
    private final CountDownLatch probed = new CountDownLatch(1);
    private Server server;

    @BeforeAll
    static void plaintextOnly() {
        assumeFalse(TestTransport.isTls(), "the HTTP/2 client here speaks h2c");
    }

    @BeforeEach
    void startServer() {
        byte[] big = new byte[BIG_BYTES];
        server = Server.create(Http2TestServers.config().writeTimeout(LIMIT).port(0).build(), Router.builder()
                .get("/small", (request, response) -> response.send("small\n"))
                .get("/probe", (request, response) -> {
                    probed.countDown();
                    response.send("probe\n");
                })
                .get("/big", (request, response) -> {
                    writing.countDown();
                    response.send(big);
                })
                .build()).start();
    }

    @AfterEach
    void stopServer() {
        server.stop(Duration.ZERO);
    }

    @Test
    void aSmallResponseAndAPingAcknowledgementOvertakeALargeBody() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Http2TestPeer peer = Http2TestPeer.connect(server)) {
                askForTheLargeBody(peer);
                peer.get(3, "/small");
                peer.send(new PingFrame(false, 42));
                Thread.sleep(300); // the small response's writer and the PING's answer wait for the output

                long bigBefore = 0;
                long bigBeforeSmall = -1;
                long bigBeforePing = -1;
                while (bigBeforeSmall < 0 || bigBeforePing < 0) {
                    Http2TestPeer.Received frame = peer.next();
                    if (frame.is(FrameType.DATA) && frame.streamId() == 1) {
                        bigBefore += frame.payload().length;
                        peer.received().clear(); // keeps no more than the frames in question
                    } else if (frame.streamId() == 3 && frame.has(Http2TestPeer.END_STREAM)) {
                        bigBeforeSmall = bigBefore;
                    } else if (frame.is(FrameType.PING)) {
                        assertTrue(frame.has(Http2TestPeer.ACK));
                        bigBeforePing = bigBefore;
                    }
                }
                assertTrue(bigBeforeSmall < BIG_BYTES / 2, "the small response came after " + bigBeforeSmall
                        + " bytes of the large one's " + BIG_BYTES);
                assertTrue(bigBeforePing < BIG_BYTES / 2, "the PING's acknowledgement came after " + bigBeforePing
                        + " bytes of the large response's " + BIG_BYTES);
            }
        });
    }

    @Test
    void theConnectionGoesOnReadingFramesWhileALargeBodyWaitsForAClientThatDoesNotRead() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Http2TestPeer peer = Http2TestPeer.connect(server)) {
                askForTheLargeBody(peer);
                peer.send(new PingFrame(false, 42)); // its acknowledgement cannot go out now
                peer.get(3, "/probe");
                assertTrue(probed.await(PROMPT_SECONDS, TimeUnit.SECONDS), "the request after the PING was not read");

                boolean acknowledged = false;
                boolean answered = false;
                while (!acknowledged || !answered) {
                    Http2TestPeer.Received frame = peer.next();
                    peer.received().clear();
                    acknowledged |= frame.is(FrameType.PING) && frame.has(Http2TestPeer.ACK);
                    answered |= frame.streamId() == 3 && frame.has(Http2TestPeer.END_STREAM);
                }
            }
        });
    }

    /**
     * Asks for the large body with windows wide enough for all of it, reading nothing: the sockets' buffers fill, and
     * the body's writer waits for the client, holding the output.
     */
    private void askForTheLargeBody(Http2TestPeer peer) throws Exception {
        peer.handshake(new Setting(Settings.INITIAL_WINDOW_SIZE, MAX_WINDOW));
        peer.send(new WindowUpdateFrame(0, MAX_WINDOW - Settings.DEFAULT.initialWindowSize()));
        peer.get(1, "/big");
        writing.await();
        Thread.sleep(500);
    }
}
