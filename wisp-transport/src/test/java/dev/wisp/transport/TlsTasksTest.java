package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import org.junit.jupiter.api.Test;

/** Where a handshake's delegated tasks run: on platform threads, whatever thread asks. */
class TlsTasksTest {

    @Test
    void aVirtualThreadHandsTheTasksToAPlatformThreadAndWaits() throws Exception {
        SSLEngine server = serverWaitingForItsTask();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                TlsTasks.run(server);
            } catch (Throwable e) {
                failure.set(e);
            }
        }).join();

        assertEquals(null, failure.get());
        assertNotEquals(HandshakeStatus.NEED_TASK, server.getHandshakeStatus(), "the tasks ran");
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().startsWith("wisp-tls-task-") && !thread.isVirtual()),
                "a pool thread ran them");
    }

    @Test
    void aPlatformThreadRunsTheTasksItself() throws Exception {
        SSLEngine server = serverWaitingForItsTask();

        TlsTasks.run(server);

        assertNotEquals(HandshakeStatus.NEED_TASK, server.getHandshakeStatus());
    }

    @Test
    void anInterruptedWaitEndsWithAnInterruptedIoExceptionAndKeepsTheInterrupt() throws Exception {
        SSLEngine server = serverWaitingForItsTask();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            Thread.currentThread().interrupt(); // as abort() interrupts a connection's thread
            failure.set(assertThrows(InterruptedIOException.class, () -> TlsTasks.run(server)));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        }).join();

        assertTrue(failure.get().getMessage().contains("TLS handshake"), failure.get().getMessage());
        assertEquals(Boolean.TRUE, stillInterrupted.get());
    }

    /** A server engine that has read a ClientHello and now needs its delegated tasks run. */
    private static SSLEngine serverWaitingForItsTask() throws Exception {
        SSLEngine client = TestTls.clientContext().createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        SSLEngine server = TestTls.serverContext().createSSLEngine();
        server.setUseClientMode(false);
        ByteBuffer hello = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.beginHandshake();
        client.wrap(ByteBuffer.allocate(0), hello);
        hello.flip();
        server.beginHandshake();
        server.unwrap(hello, ByteBuffer.allocate(server.getSession().getApplicationBufferSize()));
        assertEquals(HandshakeStatus.NEED_TASK, server.getHandshakeStatus());
        return server;
    }
}
