package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Method;
import org.junit.jupiter.api.Test;

/**
 * The places of an HTTP/2 client connection's streams against the server's limit: a stream the server closed frees
 * its place before its call lets go of it, and the end seen on the wire after the call let go counts for nothing.
 */
class Http2StreamSlotsTest {
    private static final int LIMIT = 1;

    private final Http2StreamSlots slots = new Http2StreamSlots();
    private final Http2ClientStream stream = new Http2ClientStream(1, Method.GET, 65_535, 65_535);

    @Test
    void aStreamClosedOnTheWireFreesItsPlaceBeforeItsCallLetsGo() {
        assertTrue(slots.tryReserve(LIMIT));
        assertFalse(slots.tryReserve(LIMIT));
        assertTrue(slots.closedOnTheWire(stream, () -> true));
        assertTrue(slots.tryReserve(LIMIT), "the closed stream's place");
        slots.release(stream);
        assertFalse(slots.tryReserve(LIMIT), "the second call still holds the only place");
    }

    @Test
    void theEndSeenAfterTheCallLetGoCountsForNothing() {
        assertTrue(slots.tryReserve(LIMIT));
        slots.release(stream);
        // The reading thread found the stream before its call let go, and counts its end only now.
        assertFalse(slots.closedOnTheWire(stream, () -> false));
        assertTrue(slots.tryReserve(LIMIT));
        assertFalse(slots.tryReserve(LIMIT), "a place more than the server allows");
    }
}
