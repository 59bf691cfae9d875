package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.client.ClientConfig;
import dev.wisp.core.BufferPool;
import dev.wisp.core.DirectBufferPool;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A connector's buffer pools give back, about once a second, what a burst of calls left in them: the pool's sweep
 * calls {@link Connector#trimBuffers} every tick, and a trim drops the buffers nobody took since the last one.
 */
class ConnectorBuffersTest {
    @Test
    void theSweepGivesBackWhatABurstLeftInThePools() {
        Connector connector = new Connector(ClientConfig.defaults());
        BufferPool buffers = connector.buffers();
        DirectBufferPool readAhead = connector.readAheadBuffers();
        for (int i = 0; i < 8; i++) { // as eight calls at once leave them
            buffers.release(new byte[buffers.bufferSize()]);
            readAhead.release(ByteBuffer.allocateDirect(readAhead.bufferSize()));
        }
        long second = TimeUnit.SECONDS.toNanos(1);
        long now = System.nanoTime();

        connector.trimBuffers(now + second);
        assertEquals(8, buffers.pooled(), "a trim keeps what it cannot know to be unused");
        assertEquals(8, readAhead.pooled());
        readAhead.release(readAhead.acquire()); // a download since
        connector.trimBuffers(now + second / 2 * 3);
        assertEquals(8, buffers.pooled(), "trimmed at most once a second");
        connector.trimBuffers(now + 2 * second);
        assertEquals(0, buffers.pooled(), "untaken for a second");
        assertEquals(1, readAhead.pooled(), "the one the download took stays");
        connector.trimBuffers(now + 3 * second);
        assertEquals(0, readAhead.pooled());
    }
}
