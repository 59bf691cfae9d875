package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.testing.TestTransport;
import dev.wisp.testing.ThreadDumps;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An HTTP/2 connection holds no reading thread while nothing arrives, idle after its requests or with a handler at
 * work on a stream, but for the connections whose reading thread waited in a burst of frames, at most
 * {@code maxPooledBuffers} at once (none when it is 0). Counted in a dump of this JVM's threads, virtual ones
 * included ({@code jcmd Thread.dump_to_file}), as the frames of the connection's reading loop.
 */
class Http2IdleThreadsIT {
    private static final int CONNECTIONS = 20;
    private static final String READING_LOOP = "Http2ServerConnection.serve(";

    @BeforeAll
    static void plaintextOnly() {
        assumeFalse(TestTransport.isTls(), "the HTTP/2 servers here choose their transport themselves");
    }

    @ParameterizedTest(name = "maxPooledBuffers {0}")
    @ValueSource(ints = {0, 4})
    void connectionsWaitWithoutAReadingThreadIdleOrWhileTheirHandlersWork(int maxPooledBuffers, @TempDir Path folder)
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Server server = Http2TestServers.start(Http2TestServers.config().maxConcurrentStreams(8)
                .maxPooledBuffers(maxPooledBuffers), release)) {
            List<Http2TestPeer> peers = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    Http2TestPeer peer = Http2TestPeer.connect(server);
                    peers.add(peer);
                    peer.handshake();
                    peer.get(1, "/hello");
                    assertEquals(200, peer.expectResponse(1).status());
                    if (i % 2 == 0) {
                        peer.get(3, "/block"); // a handler at work, waiting for the release
                    }
                }
                Thread.sleep(300); // past the 50 ms a connection waits on its own after a stream ends
                long reading = ThreadDumps.threadsIn(READING_LOOP, folder.resolve("idle.txt"));
                assertTrue(reading <= maxPooledBuffers, reading + " reading threads while nothing arrives");
                release.countDown();
                for (int i = 0; i < CONNECTIONS; i += 2) {
                    assertEquals(200, peers.get(i).expectResponse(3).status(), "the watcher woke nobody it should not");
                }
            } finally {
                release.countDown();
                for (Http2TestPeer peer : peers) {
                    peer.close();
                }
            }
        }
    }
}
