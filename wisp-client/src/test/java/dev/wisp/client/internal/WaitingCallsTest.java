package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.Origin;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's line of waiting calls: served in the order they came, a call that goes again at the front, and a ticket
 * that a full heap kept from its place (an {@link ArrayDeque} stores, then grows) left nowhere, so that the calls
 * after it are served and a new call goes at once once the line is empty.
 */
class WaitingCallsTest {
    private static final Origin ORIGIN = Origin.plaintext("127.0.0.1", 8080);
    private static final Origin OTHER = Origin.plaintext("127.0.0.1", 8081);
    private final ReentrantLock lock = new ReentrantLock();

    /** A line that stores an element, then fails to grow past its room, as an ArrayDeque does on a full heap. */
    private static final class FullHeapLine extends ArrayDeque<Condition> {
        private final int room;

        FullHeapLine(int room) {
            this.room = room;
        }

        @Override
        public void addLast(Condition ticket) {
            super.addLast(ticket);
            failPastRoom();
        }

        @Override
        public void addFirst(Condition ticket) {
            super.addFirst(ticket);
            failPastRoom();
        }

        private void failPastRoom() {
            if (size() > room) {
                throw new OutOfMemoryError("Java heap space");
            }
        }
    }

    @BeforeEach
    void lock() {
        lock.lock(); // as the pool holds its lock around the line; signals need it
    }

    @AfterEach
    void unlock() {
        lock.unlock();
    }

    @Test
    void servesCallsInTheOrderTheyCameAndOneThatGoesAgainFirst() {
        WaitingCalls calls = new WaitingCalls();
        Condition first = lock.newCondition();
        Condition second = lock.newCondition();
        Condition again = lock.newCondition();
        assertTrue(calls.hasTurn(ORIGIN, null), "nobody waits");
        calls.add(ORIGIN, first, false);
        calls.add(ORIGIN, second, false);
        assertFalse(calls.hasTurn(ORIGIN, null), "a new call goes behind those that wait");
        assertTrue(calls.hasTurn(ORIGIN, first));
        assertTrue(calls.hasTurn(OTHER, null), "another origin's line is its own");
        calls.add(ORIGIN, again, true);
        assertTrue(calls.hasTurn(ORIGIN, again));
        assertEquals(3, calls.count());
        calls.leave(ORIGIN, again);
        calls.leave(ORIGIN, first);
        assertTrue(calls.hasTurn(ORIGIN, second));
        calls.leave(ORIGIN, second);
        calls.leave(ORIGIN, second); // twice: nothing more
        assertEquals(0, calls.count());
        assertTrue(calls.hasTurn(ORIGIN, null));
    }

    @Test
    void aTicketThatAFullHeapKeptFromTheLineLeavesNothingBehind() {
        WaitingCalls calls = new WaitingCalls(origin -> new FullHeapLine(2));
        Condition first = lock.newCondition();
        Condition second = lock.newCondition();
        calls.add(ORIGIN, first, false);
        calls.add(ORIGIN, second, false);

        assertThrows(OutOfMemoryError.class, () -> calls.add(ORIGIN, lock.newCondition(), false));
        assertThrows(OutOfMemoryError.class, () -> calls.add(ORIGIN, lock.newCondition(), true));
        assertEquals(2, calls.count());
        assertTrue(calls.hasTurn(ORIGIN, first), "the first in line is still first");

        calls.leave(ORIGIN, first);
        assertTrue(calls.hasTurn(ORIGIN, second));
        calls.leave(ORIGIN, second);
        assertEquals(0, calls.count());
        assertTrue(calls.hasTurn(ORIGIN, null), "no ticket that nobody holds is left first in line");
    }

    @Test
    void aLoneTicketThatAFullHeapKeptFromTheLineLeavesNoLine() {
        WaitingCalls calls = new WaitingCalls(origin -> new FullHeapLine(0));
        assertThrows(OutOfMemoryError.class, () -> calls.add(ORIGIN, lock.newCondition(), false));
        assertEquals(0, calls.count());
        assertTrue(calls.hasTurn(ORIGIN, null));
        calls.wakeFirstInLine(); // no line, no failure
    }

    @Test
    void aPlaceReservedWhenACallIsMadeHoldsItsTurnButCountsOnlyOnceItsCallWaits() {
        WaitingCalls calls = new WaitingCalls();
        Condition reserved = lock.newCondition();
        Condition later = lock.newCondition();
        calls.reserve(ORIGIN, reserved);
        calls.add(ORIGIN, later, false);
        assertEquals(1, calls.count(), "the reserved place is not a waiting call yet");
        assertTrue(calls.hasTurn(ORIGIN, reserved));
        assertFalse(calls.hasTurn(ORIGIN, later), "behind the call made before it");
        assertFalse(calls.hasTurn(ORIGIN, null), "a call that comes now goes behind both");
        calls.waiting(reserved);
        calls.waiting(reserved); // once only
        assertEquals(2, calls.count());
        calls.leave(ORIGIN, reserved);
        assertEquals(1, calls.count());
        assertTrue(calls.hasTurn(ORIGIN, later));

        Condition abandoned = lock.newCondition();
        calls.reserve(OTHER, abandoned);
        calls.leave(OTHER, abandoned); // its call failed before it came: uncounted, it leaves the count as it was
        assertEquals(1, calls.count());
        assertTrue(calls.hasTurn(OTHER, null));
    }
}
