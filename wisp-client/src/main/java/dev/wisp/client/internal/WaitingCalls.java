package dev.wisp.client.internal;

import dev.wisp.client.Origin;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The calls waiting for a pooled connection, per origin, in the order they came, each by its ticket (the condition it
 * waits on). A call that arrives, or wakes, while others of its origin wait goes behind them, so one that loses the
 * race time after time cannot time out while connections are given back. A call made to run on a thread of its own
 * (an asynchronous one) takes its place when it is made, in the caller's thread ({@link #reserve}), so that calls made
 * one after another are served in that order whichever of their threads runs first; such a place counts as waiting
 * only once its call waits.
 *
 * <p>Every ticket bears the number of its call's place in the order of all calls, of every origin: where calls wait
 * for room under the total cap rather than for a connection of their own origin, the pool serves the earliest first
 * ({@link #hasEarlierFirst}), so that calls of several origins are served in the order they were made too.
 *
 * <p>A call that waits for a stream its origin's HTTP/2 connections have free, or one being made is expected to have,
 * does not count either: it counts among the calls that expect a stream ({@link #expectingStreams}), which the pool
 * bounds by those streams. A burst of calls to a cold origin would otherwise fill the queue while the one connection
 * that will serve them all at once is made.
 *
 * <p>A ticket that could not be put in line leaves nothing behind: an {@link ArrayDeque} stores an element and then
 * grows, so a growth that a full heap refused would leave a ticket that nobody holds any more in the line, the
 * first of it for good once the ones before it left, and every later call of its origin would wait its whole
 * connect timeout. Not thread-safe: the pool's lock guards it.
 */
final class WaitingCalls {
    private final Map<Origin, Deque<Ticket>> lines = new HashMap<>();
    /** The tickets in line whose calls have not come to wait yet: not counted. */
    private final Set<Ticket> reserved = new HashSet<>();
    /** Per origin, the calls waiting for the streams of a connection being made: not counted either. */
    private final Map<Origin, Integer> expectingStreams = new HashMap<>();
    private final Function<Origin, Deque<Ticket>> newLine;
    private int count;
    private long lastNumber;

    WaitingCalls() {
        this(origin -> new ArrayDeque<>());
    }

    /** With lines of a test's making, which may fail as a full heap makes an {@link ArrayDeque} fail. */
    WaitingCalls(Function<Origin, Deque<Ticket>> newLine) {
        this.newLine = newLine;
    }

    /** A call's place in line: the condition it waits on, and its number in the order of all calls. */
    static final class Ticket {
        private final Condition turn;
        private final long number;
        /** Whether the call waits for a stream, counted among those that do rather than in {@link #count}. */
        private boolean expectsStream;

        private Ticket(Condition turn, long number) {
            this.turn = turn;
            this.number = number;
        }

        /** Waits until woken or the time is out; woken when the call may have its turn. */
        void await(long nanos) throws InterruptedException {
            turn.await(nanos, TimeUnit.NANOSECONDS);
        }

        private void wake() {
            turn.signal();
        }

        private boolean isBefore(Ticket other) {
            return other == null || number - other.number < 0;
        }
    }

    /** A ticket for a call that takes its place now, after every ticket made before it; the turn is its own. */
    Ticket newTicket(Condition turn) {
        return new Ticket(turn, ++lastNumber);
    }

    /** How many calls wait, of every origin, but for those that expect a stream. */
    int count() {
        return count;
    }

    /** How many calls of the origin wait for the streams of a connection being made to it. */
    int expectingStreams(Origin origin) {
        return expectingStreams.getOrDefault(origin, 0);
    }

    /** Whether the call with this ticket (null: one not in line) may take a connection of the origin now. */
    boolean hasTurn(Origin origin, Ticket ticket) {
        Deque<Ticket> line = lines.get(origin);
        return line == null || line.isEmpty() || line.peekFirst() == ticket;
    }

    /**
     * Whether a call of another origin, first in its line, came before the call with this ticket (null: one not in
     * line, which came last) and would take room under the total cap, as the test tells of its origin.
     */
    boolean hasEarlierFirst(Origin origin, Ticket ticket, Predicate<Origin> wantsRoom) {
        for (Map.Entry<Origin, Deque<Ticket>> line : lines.entrySet()) {
            Ticket first = line.getValue().peekFirst();
            if (first != null && first.isBefore(ticket) && !line.getKey().equals(origin)
                    && wantsRoom.test(line.getKey())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Puts the ticket of a call that is made now, and will come for a connection on a thread of its own, at the end
     * of its origin's line, uncounted until it waits ({@link #waiting}). Should that fail, the failure is thrown and
     * the ticket is in no line.
     */
    void reserve(Origin origin, Ticket ticket) {
        reserved.add(ticket);
        try {
            putInLine(origin, ticket, false);
        } catch (RuntimeException | Error e) {
            reserved.remove(ticket);
            throw e;
        }
    }

    /** Whether the ticket was reserved and its call has not come to wait yet. */
    boolean isReserved(Ticket ticket) {
        return reserved.contains(ticket);
    }

    /**
     * The call of a reserved ticket waits now: it counts from here on, among those that wait for a stream of a
     * connection being made if it does. Should that fail (a full heap), nothing changed.
     */
    void waiting(Origin origin, Ticket ticket, boolean expectsStream) {
        if (reserved.contains(ticket)) {
            countIn(origin, ticket, expectsStream);
            reserved.remove(ticket);
        }
    }

    /**
     * Puts the ticket in its origin's line: at the end, or at the front for a call that goes again after the server
     * declared its attempt unprocessed. Should that fail (a full heap), the ticket is in no line, and the failure is
     * thrown.
     */
    void add(Origin origin, Ticket ticket, boolean first, boolean expectsStream) {
        countIn(origin, ticket, expectsStream);
        try {
            putInLine(origin, ticket, first);
        } catch (RuntimeException | Error e) {
            countOut(origin, ticket);
            throw e;
        }
    }

    /** Counts a waiting call; should a full heap refuse an origin's first count, nothing changed. */
    private void countIn(Origin origin, Ticket ticket, boolean expectsStream) {
        if (expectsStream) {
            expectingStreams.merge(origin, 1, Integer::sum);
        } else {
            count++;
        }
        ticket.expectsStream = expectsStream;
    }

    /**
     * Counts out a waiting call. Takes no memory: a count of streams expected stays within the boxes the JDK keeps
     * (100 per connection being made, of which an HTTP/2 origin has one at a time), and the pool's count-down is
     * linked when it loads.
     */
    private void countOut(Origin origin, Ticket ticket) {
        if (ticket.expectsStream) {
            expectingStreams.merge(origin, -1, ConnectionPool.COUNT_DOWN);
        } else {
            count--;
        }
    }

    /** Puts the ticket in its origin's line, uncounted; a failure leaves it in none. */
    private void putInLine(Origin origin, Ticket ticket, boolean first) {
        try {
            Deque<Ticket> line = lines.computeIfAbsent(origin, newLine);
            if (first) {
                line.addFirst(ticket);
            } else {
                line.addLast(ticket);
            }
        } catch (RuntimeException | Error e) {
            Deque<Ticket> line = lines.get(origin);
            if (line != null) {
                boolean wasFirst = line.peekFirst() == ticket;
                line.remove(ticket);
                wakeFirstOrForget(origin, line, wasFirst);
            }
            throw e;
        }
    }

    /**
     * Takes the ticket out of its origin's line, if it is in it; if it was first, wakes the call now first and those
     * of the other origins, which may have let it go first.
     */
    void leave(Origin origin, Ticket ticket) {
        Deque<Ticket> line = lines.get(origin);
        boolean wasFirst = line != null && line.peekFirst() == ticket;
        if (ticket == null || line == null || !line.remove(ticket)) {
            return;
        }
        if (!reserved.remove(ticket)) {
            countOut(origin, ticket);
        }
        wakeFirstOrForget(origin, line, false);
        if (wasFirst) {
            wakeFirstInLine(); // its origin's next, and calls of other origins that let it go first
        }
    }

    /**
     * Wakes the first call of every origin: a connection was freed or closed. Never throws: it runs after the counts
     * changed, and a waiting call looks again within 50 ms unwoken, should a full heap refuse the iterator.
     */
    void wakeFirstInLine() {
        try {
            for (Deque<Ticket> line : lines.values()) {
                Ticket first = line.peekFirst();
                if (first != null) {
                    first.wake();
                }
            }
        } catch (RuntimeException | Error e) {
            // see above
        }
    }

    /** Wakes every waiting call, of every origin: the client closed, and none of them will get a connection. */
    void wakeAll() {
        for (Deque<Ticket> line : lines.values()) {
            line.forEach(Ticket::wake);
        }
    }

    private void wakeFirstOrForget(Origin origin, Deque<Ticket> line, boolean wake) {
        if (line.isEmpty()) {
            lines.remove(origin);
        } else if (wake) {
            line.peekFirst().wake();
        }
    }
}
