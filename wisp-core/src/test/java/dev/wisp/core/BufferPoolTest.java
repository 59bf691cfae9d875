package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BufferPoolTest {
    @Test
    void allocatesWhenEmptyAndReusesReleasedBuffers() {
        BufferPool pool = new BufferPool(64, 2);
        byte[] first = pool.acquire();
        byte[] second = pool.acquire();

        assertEquals(64, first.length);
        assertNotSame(first, second);
        assertEquals(0, pool.pooled());
        pool.release(first);
        assertEquals(1, pool.pooled());
        assertSame(first, pool.acquire());
        assertEquals(0, pool.pooled());
    }

    @Test
    void neverHoldsMoreThanMaxPooledBuffers() {
        BufferPool pool = new BufferPool(64, 2);
        byte[] a = pool.acquire();
        byte[] b = pool.acquire();
        byte[] c = pool.acquire();
        pool.release(a);
        pool.release(b);
        pool.release(c);

        assertEquals(2, pool.pooled());
        assertSame(b, pool.acquire());
        assertSame(a, pool.acquire());
        assertNotSame(c, pool.acquire());
    }

    @Test
    void aTrimDropsTheBuffersNobodyTookSinceTheLastOne() {
        BufferPool pool = new BufferPool(64, 4);
        byte[][] burst = {pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()};
        for (byte[] buffer : burst) {
            pool.release(buffer);
        }
        assertEquals(0, pool.trim(), "each was taken since the pool began");
        assertEquals(4, pool.pooled());

        byte[] taken = pool.acquire(); // the last released: the top of the stack
        pool.release(taken);
        assertEquals(3, pool.trim(), "the three below it sat untaken");
        assertEquals(1, pool.pooled());
        assertSame(taken, pool.acquire(), "the one in use stays");
        pool.release(taken);
        assertEquals(0, pool.trim(), "taken since the last trim");

        assertEquals(1, pool.trim(), "untaken since");
        assertEquals(0, pool.pooled());
    }

    @Test
    void aPoolOfZeroKeepsNothing() {
        BufferPool pool = new BufferPool(64, 0);
        pool.release(pool.acquire());

        assertEquals(0, pool.pooled());
    }

    @Test
    void rejectsABufferOfAnotherSize() {
        BufferPool pool = new BufferPool(64, 2);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.release(new byte[65]));
        assertEquals("buffer of 65 bytes is not from this pool", e.getMessage());
        assertEquals(0, pool.pooled());
    }

    @Test
    void rejectsBadSizes() {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> new BufferPool(63, 1));
        assertEquals("bufferSize must be at least 64: 63", small.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> new BufferPool(64, -1));
        assertEquals("maxPooled must not be negative: -1", negative.getMessage());
        assertEquals(4096, new BufferPool(4096, 0).bufferSize());
    }
}
