package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plaintext input read as a channel, into a direct buffer, over a real loopback socket: the byte an idle poll
 * read ahead comes first, the read deadline is armed while the read waits, and shutting the input ends it.
 */
class PlainInputChannelIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long WRITE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);

    private ServerSocketChannel listener;
    private PlainTransport client;
    private SocketChannel server;

    @BeforeEach
    void connect() throws Exception {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        client = PlainTransport.of(SocketChannel.open(listener.getLocalAddress()), WRITE_TIMEOUT);
        server = listener.accept();
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        server.close();
        listener.close();
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

            assertEquals(1, input.read(buffer), "the peeked byte first, alone");
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
}
