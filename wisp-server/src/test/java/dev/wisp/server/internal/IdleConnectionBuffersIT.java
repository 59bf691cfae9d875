package dev.wisp.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.BufferPool;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.RawPeer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Idle keep-alive connections hold no pooled buffer: the pool is seeded with more buffers than the test can ever
 * need at once, so none is allocated, and once every connection waits for its next request, every buffer is back.
 * The exception, connections in a burst of requests, is bounded by maxPooledBuffers.
 * Runs the server's parts directly, since the pool of a {@link dev.wisp.server.Server} is not visible.
 */
class IdleConnectionBuffersIT {
    private static final int CONNECTIONS = 200;
    private static final int SEEDED = 300;

    private ServerContext context;
    private Listener listener;

    @BeforeEach
    void start() throws IOException {
        start(2 * SEEDED);
    }

    private void start(int maxPooledBuffers) throws IOException {
        if (listener != null) {
            stop();
        }
        ServerConfig config = ServerConfig.builder().port(0).maxPooledBuffers(maxPooledBuffers).build();
        context = new ServerContext(config);
        listener = HelloListener.start(context);
    }

    @AfterEach
    void stop() {
        listener.close();
        context.registry().closeAll();
        try {
            context.registry().awaitEmpty(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theSweepGivesBackWhatABurstLeftInThePool() throws IOException {
        BufferPool pool = context.buffers();
        for (int i = 0; i < SEEDED; i++) {
            pool.release(new byte[pool.bufferSize()]); // as a burst of connections leaves them
        }
        long second = TimeUnit.SECONDS.toNanos(1);
        long now = System.nanoTime();
        context.sweep(now + second);
        assertEquals(SEEDED, pool.pooled(), "a trim keeps what it cannot know to be unused");

        try (RawPeer peer = RawPeer.connect(context.localAddress().getPort())) {
            peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("hello\n", peer.readResponse().bodyText());
        }
        awaitPooled(pool, SEEDED); // the connection's thread gave its buffers back
        context.sweep(now + second / 2 * 3);
        assertEquals(SEEDED, pool.pooled(), "trimmed at most once a second");
        context.sweep(now + 2 * second);
        int kept = pool.pooled();
        assertTrue(kept >= 1 && kept <= 2, "kept what the request took, dropped the rest: " + kept);
        context.sweep(now + 3 * second);
        assertEquals(0, pool.pooled(), "then what it did not take again");
    }

    @Test
    void idleConnectionsGiveEveryBufferBack() {
        BufferPool pool = context.buffers();
        for (int i = 0; i < SEEDED; i++) {
            pool.release(new byte[pool.bufferSize()]);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            List<RawPeer> peers = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    RawPeer peer = RawPeer.connect(context.localAddress().getPort());
                    peers.add(peer);
                    peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertEquals("hello\n", peer.readResponse().bodyText());
                }
                assertEquals(CONNECTIONS, context.registry().size());
                awaitPooled(pool, SEEDED);
            } finally {
                for (RawPeer peer : peers) {
                    peer.close();
                }
            }
        });
    }

    @Test
    void connectionsInABurstKeepTheirReadBufferWhileIdleButNoMoreThanMaxPooledBuffers() throws IOException {
        start(2);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            List<RawPeer> peers = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    RawPeer peer = RawPeer.connect(context.localAddress().getPort());
                    peers.add(peer);
                    for (int request = 0; request < 3; request++) {
                        peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                        assertEquals("hello\n", peer.readResponse().bodyText());
                    }
                }
                awaitIdleBuffersHeld(2);
            } finally {
                for (RawPeer peer : peers) {
                    peer.close();
                }
            }
            awaitIdleBuffersHeld(0);
        });
    }

    private void awaitIdleBuffersHeld(int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (context.registry().idleBuffersHeld() != expected && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertEquals(expected, context.registry().idleBuffersHeld(), "idle connections holding a read buffer");
    }

    /**
     * Waits for the pool to hold this many buffers. A connection gives its buffer back just after its response
     * went out, with nothing a test can wait on, so this polls, briefly.
     */
    private static void awaitPooled(BufferPool pool, int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pool.pooled() != expected && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertEquals(expected, pool.pooled(), "buffers still held by idle connections");
    }
}
