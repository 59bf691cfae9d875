package dev.wisp.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.server.ServerConfig;
import dev.wisp.testing.RawPeer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When a new connection's thread cannot start (memory is short), the listener closes that connection, pauses and
 * goes on; once threads start again, connections are served. Runs the server's parts directly, with a thread
 * factory that fails a given number of times as the JDK does when it cannot allocate a thread.
 */
class ListenerThreadStartIT {
    private static final int FAILED_STARTS = 3;

    private final AtomicInteger failuresLeft = new AtomicInteger(FAILED_STARTS);
    private ServerContext context;
    private Listener listener;

    @AfterEach
    void stop() throws InterruptedException {
        listener.close();
        context.registry().closeAll();
        context.registry().awaitEmpty(5, TimeUnit.SECONDS);
    }

    @Test
    void aConnectionWhoseThreadCannotStartIsClosedAndTheListenerGoesOn() throws IOException {
        ThreadFactory virtualThreads = Thread.ofVirtual().factory();
        ThreadFactory failingAtFirst = task -> {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new OutOfMemoryError("unable to create a thread (simulated by the factory)");
            }
            return virtualThreads.newThread(task);
        };
        start(failingAtFirst);

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < FAILED_STARTS; i++) {
                try (RawPeer refused = RawPeer.connect(context.localAddress().getPort())) {
                    assertEquals("", refused.readAll(), "connection " + i + " closed without a byte");
                }
            }
            try (RawPeer served = RawPeer.connect(context.localAddress().getPort())) {
                served.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals("hello\n", served.readResponse().bodyText());
                assertEquals(1, context.registry().size(), "only the served connection is registered");
            }
        });
    }

    private void start(ThreadFactory threads) throws IOException {
        context = new ServerContext(ServerConfig.builder().port(0).build(), threads);
        listener = HelloListener.start(context);
    }
}
