package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class DirectBufferPoolTest {
    @Test
    void allocatesDirectBuffersAndReusesReleasedOnesCleared() {
        DirectBufferPool pool = new DirectBufferPool(1024, 1);
        ByteBuffer first = pool.acquire();
        assertTrue(first.isDirect());
        assertEquals(1024, first.capacity());
        first.put((byte) 1).flip();

        pool.release(first);
        ByteBuffer again = pool.acquire();
        assertSame(first, again);
        assertEquals(0, again.position());
        assertEquals(1024, again.limit());
    }

    @Test
    void keepsAtMostMaxPooledBuffers() {
        DirectBufferPool pool = new DirectBufferPool(1024, 1);
        ByteBuffer a = pool.acquire();
        ByteBuffer b = pool.acquire();
        pool.release(a);
        pool.release(b);

        assertEquals(1, pool.pooled());
        assertSame(a, pool.acquire());
        assertNotSame(b, pool.acquire());
    }

    @Test
    void rejectsBuffersNotFromThePoolAndBadSizes() {
        DirectBufferPool pool = new DirectBufferPool(1024, 1);

        IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                () -> pool.release(ByteBuffer.allocate(1024)));
        assertEquals("buffer of 1024 bytes is not from this pool", heap.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pool.release(ByteBuffer.allocateDirect(2048)));
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> new DirectBufferPool(1023, 1));
        assertEquals("bufferSize must be at least 1024: 1023", small.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new DirectBufferPool(1024, -1));
        assertEquals("maxPooled must not be negative: -1", negative.getMessage());
        assertEquals(0, pool.pooled());
    }

    @Test
    void aTrimDropsTheBuffersNobodyTookSinceTheLastOne() {
        DirectBufferPool pool = new DirectBufferPool(1024, 4);
        pool.release(pool.acquire());
        pool.release(ByteBuffer.allocateDirect(1024));
        assertEquals(0, pool.trim(), "the first trim knows of no time untaken");
        assertEquals(2, pool.trim());
        assertEquals(0, pool.pooled());
    }
}
