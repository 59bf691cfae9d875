package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.Origin;
import java.util.ArrayDeque;
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
    private static final class FullHeapLine extends ArrayDeque<WaitingCalls.Ticket> {
        private final int room;

        FullHeapLine(int room) {
            this.room = room;
        }

        @Override
        public void addLast(WaitingCalls.Ticket ticket) {
            super.addLast(ticket);
            failPastRoom();
        }

        @Override
        public void addFirst(WaitingCalls.Ticket ticket) {
            super.addFirst(ticket);
            failPastRoom();
        }

        private void failPastRoom() {
            if (size() > room) {
                throw new OutOfMemoryError("Java heap space");
            }
        }
    }

    private WaitingCalls.Ticket ticket(WaitingCalls calls) {
        return calls.newTicket(lock.newCondition());
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
        WaitingCalls.Ticket first = ticket(calls);
        WaitingCalls.Ticket second = ticket(calls);
        WaitingCalls.Ticket again = ticket(calls);
        assertTrue(calls.hasTurn(ORIGIN, null), "nobody waits");
        calls.add(ORIGIN, first, false, false);
        calls.add(ORIGIN, second, false, false);
        assertFalse(calls.hasTurn(ORIGIN, null), "a new call goes behind those that wait");
        assertTrue(calls.hasTurn(ORIGIN, first));
        assertTrue(calls.hasTurn(OTHER, null), "another origin's line is its own");
        calls.add(ORIGIN, again, true, false);
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
        WaitingCalls.Ticket first = ticket(calls);
        WaitingCalls.Ticket second = ticket(calls);
        calls.add(ORIGIN, first, false, false);
        calls.add(ORIGIN, second, false, false);

        assertThrows(OutOfMemoryError.class, () -> calls.add(ORIGIN, ticket(calls), false, false));
        assertThrows(OutOfMemoryError.class, () -> calls.add(ORIGIN, ticket(calls), true, false));
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
        assertThrows(OutOfMemoryError.class, () -> calls.add(ORIGIN, ticket(calls), false, false));
        assertEquals(0, calls.count());
        assertTrue(calls.hasTurn(ORIGIN, null));
        calls.wakeFirstInLine(); // no line, no failure
    }

    @Test
    void aPlaceReservedWhenACallIsMadeHoldsItsTurnButCountsOnlyOnceItsCallWaits() {
        WaitingCalls calls = new WaitingCalls();
        WaitingCalls.Ticket reserved = ticket(calls);
        WaitingCalls.Ticket later = ticket(calls);
        calls.reserve(ORIGIN, reserved);
        calls.add(ORIGIN, later, false, false);
        assertEquals(1, calls.count(), "the reserved place is not a waiting call yet");
        assertTrue(calls.hasTurn(ORIGIN, reserved));
        assertFalse(calls.hasTurn(ORIGIN, later), "behind the call made before it");
        assertFalse(calls.hasTurn(ORIGIN, null), "a call that comes now goes behind both");
        calls.waiting(ORIGIN, reserved, false);
        calls.waiting(ORIGIN, reserved, false); // once only
        assertEquals(2, calls.count());
        calls.leave(ORIGIN, reserved);
        assertEquals(1, calls.count());
        assertTrue(calls.hasTurn(ORIGIN, later));

        WaitingCalls.Ticket abandoned = ticket(calls);
        calls.reserve(OTHER, abandoned);
        calls.leave(OTHER, abandoned); // its call failed before it came: uncounted, it leaves the count as it was
        assertEquals(1, calls.count());
        assertTrue(calls.hasTurn(OTHER, null));
    }

    @Test
    void aCallThatExpectsAStreamOfAConnectionBeingMadeCountsThereNotInTheQueue() {
        WaitingCalls calls = new WaitingCalls();
        WaitingCalls.Ticket queued = ticket(calls);
        WaitingCalls.Ticket expecting = ticket(calls);
        WaitingCalls.Ticket reserved = ticket(calls);
        calls.add(ORIGIN, queued, false, false);
        calls.add(ORIGIN, expecting, false, true);
        calls.reserve(ORIGIN, reserved);
        calls.waiting(ORIGIN, reserved, true);
        assertEquals(1, calls.count());
        assertEquals(2, calls.expectingStreams(ORIGIN));
        assertEquals(0, calls.expectingStreams(OTHER));
        assertFalse(calls.hasTurn(ORIGIN, expecting), "in line as any other");

        calls.leave(ORIGIN, expecting);
        calls.leave(ORIGIN, queued);
        assertEquals(0, calls.count());
        assertEquals(1, calls.expectingStreams(ORIGIN));
        assertTrue(calls.hasTurn(ORIGIN, reserved));
        calls.leave(ORIGIN, reserved);
        assertEquals(0, calls.expectingStreams(ORIGIN));
    }

    @Test
    void tellsOfAnEarlierCallOfAnotherOriginFirstInItsLineThatWantsRoom() {
        WaitingCalls calls = new WaitingCalls();
        WaitingCalls.Ticket early = ticket(calls);
        WaitingCalls.Ticket behindEarly = ticket(calls);
        WaitingCalls.Ticket own = ticket(calls);
        calls.add(OTHER, early, false, false);
        calls.add(OTHER, behindEarly, false, false);
        calls.reserve(ORIGIN, own);
        assertTrue(calls.hasEarlierFirst(ORIGIN, own, origin -> true));
        assertFalse(calls.hasEarlierFirst(ORIGIN, own, origin -> false), "an origin that wants no room is passed");
        assertFalse(calls.hasEarlierFirst(OTHER, early, origin -> true), "its own line does not count");
        assertTrue(calls.hasEarlierFirst(ORIGIN, null, origin -> true), "a call not in line came last");

        calls.leave(OTHER, early);
        assertTrue(calls.hasTurn(OTHER, behindEarly));
        assertTrue(calls.hasEarlierFirst(ORIGIN, own, origin -> true), "the next of its line came before too");
        calls.leave(OTHER, behindEarly);
        assertFalse(calls.hasEarlierFirst(ORIGIN, own, origin -> true));

        WaitingCalls.Ticket later = ticket(calls);
        calls.add(OTHER, later, false, false);
        assertFalse(calls.hasEarlierFirst(ORIGIN, own, origin -> true), "a later call does not count");
        assertTrue(calls.hasEarlierFirst(OTHER, later, origin -> true));
    }
}
