package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plaintext input over a real loopback socket. Read as a channel, into a direct buffer: the byte an idle poll
 * read ahead comes first, with what arrived after it, the read deadline is armed while the read waits, and shutting
 * the input ends it. Polled by a connection alone on its carrier ({@link NextInput}): the poll ends when bytes
 * arrive, keeping them all for the next read, when the peer closes, or when its time is up with nothing.
 */
class PlainInputIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private PlainLoopback loopback;
    private PlainTransport client;
    private SocketChannel server;

    @BeforeEach
    void connect() throws Exception {
        loopback = PlainLoopback.open();
        client = loopback.transport;
        server = loopback.peer;
    }

    @AfterEach
    void close() throws Exception {
        loopback.close();
    }

    @Test
    void readsIntoADirectBufferAfterTheBytePeekedByAnIdlePoll() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            server.write(ByteBuffer.wrap("peeked".getBytes(StandardCharsets.US_ASCII)));
            server.shutdownOutput();
            IdleInput state = IdleInput.EMPTY;
            for (int i = 0; i < 1000 && state == IdleInput.EMPTY; i++) {
                state = client.pollInput();
                Thread.sleep(10); // the bytes cross a loaded machine; bounded
            }
            assertEquals(IdleInput.DATA, state);
            ReadableByteChannel input = assertInstanceOf(ReadableByteChannel.class, client.input());
            ByteBuffer buffer = ByteBuffer.allocateDirect(64);

            assertEquals(6, input.read(buffer), "the peeked byte first, with the rest that arrived, in one read");
            while (input.read(buffer) >= 0) {
                assertTrue(buffer.hasRemaining()); // a full buffer would read 0 bytes for ever
            }
            assertEquals("peeked", StandardCharsets.US_ASCII.decode(buffer.flip()).toString());
            assertTrue(client.hasInputEnded());
            assertTrue(input.isOpen(), "the end of the peer's stream leaves our socket open");
        });
    }

    @Test
    void aReadThatWaitsCarriesTheReadDeadlineAndEndsWhenTheInputIsShut() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            client.perReadTimeout(TimeUnit.SECONDS.toNanos(60));
            ReadableByteChannel input = (ReadableByteChannel) client.input();
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return input.read(ByteBuffer.allocateDirect(64));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            for (int i = 0; i < 1000 && client.readDeadlineNanos() == 0; i++) {
                Thread.sleep(10); // until the reader is inside its read; bounded
            }
            assertNotEquals(0, client.readDeadlineNanos(), "the sweeper sees the waiting read's deadline");
            client.shutdownInput(); // what the sweeper does to a late read

            assertEquals(-1, read.get(10, TimeUnit.SECONDS));
            assertEquals(0, client.readDeadlineNanos());
            assertTrue(server.isOpen());
        });
    }

    @Test
    void endsWhenBytesArriveAndTheNextReadTakesThemAll() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Thread sender = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(100);
                    server.write(ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });

            boolean arrived = poll(TimeUnit.SECONDS.toNanos(20));
            sender.join();

            assertTrue(arrived);
            assertTrue(client.hasBufferedInput());
            byte[] bytes = new byte[64];
            InputStream input = client.input();
            assertEquals(16, input.read(bytes), "the byte the poll took, and the rest, in one read");
            assertEquals("GET / HTTP/1.1\r\n", new String(bytes, 0, 16, StandardCharsets.US_ASCII));
        });
    }

    @Test
    void endsWhenThePeerCloses() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            server.shutdownOutput();

            assertTrue(poll(TimeUnit.SECONDS.toNanos(20)));
            assertEquals(-1, client.input().read());
        });
    }

    @Test
    void endsWithNothingWhenItsTimeIsUp() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            long start = System.nanoTime();

            assertFalse(poll(TimeUnit.MILLISECONDS.toNanos(50)));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50));
            assertFalse(client.hasBufferedInput());
        });
    }

    /** Polls on a virtual thread, as a connection's thread does. */
    private boolean poll(long nanos) throws Exception {
        boolean[] found = new boolean[1];
        Exception[] failure = new Exception[1];
        Thread poller = Thread.ofVirtual().start(() -> {
            try {
                found[0] = NextInput.pollFor(client, System.nanoTime(), nanos);
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        poller.join();
        if (failure[0] != null) {
            throw failure[0];
        }
        return found[0];
    }
}
