package dev.wisp.client.internal;

import dev.wisp.client.Origin;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.function.Function;

/**
 * The calls waiting for a pooled connection, per origin, in the order they came, each by its ticket (the condition it
 * waits on). A call that arrives, or wakes, while others of its origin wait goes behind them, so one that loses the
 * race time after time cannot time out while connections are given back. A call made to run on a thread of its own
 * (an asynchronous one) takes its place when it is made, in the caller's thread ({@link #reserve}), so that calls made
 * one after another are served in that order whichever of their threads runs first; such a place counts as waiting
 * only once its call waits.
 *
 * <p>A ticket that could not be put in line leaves nothing behind: an {@link ArrayDeque} stores an element and then
 * grows, so a growth that a full heap refused would leave a ticket that nobody holds any more in the line, the
 * first of it for good once the ones before it left, and every later call of its origin would wait its whole
 * connect timeout. Not thread-safe: the pool's lock guards it.
 */
final class WaitingCalls {
    private final Map<Origin, Deque<Condition>> lines = new HashMap<>();
    /** The tickets in line whose calls have not come to wait yet: not counted. */
    private final Set<Condition> reserved = new HashSet<>();
    private final Function<Origin, Deque<Condition>> newLine;
    private int count;

    WaitingCalls() {
        this(origin -> new ArrayDeque<>());
    }

    /** With lines of a test's making, which may fail as a full heap makes an {@link ArrayDeque} fail. */
    WaitingCalls(Function<Origin, Deque<Condition>> newLine) {
        this.newLine = newLine;
    }

    /** How many calls wait, of every origin. */
    int count() {
        return count;
    }

    /** Whether the call with this ticket (null: one not in line) may take a connection of the origin now. */
    boolean hasTurn(Origin origin, Condition ticket) {
        Deque<Condition> line = lines.get(origin);
        return line == null || line.isEmpty() || line.peekFirst() == ticket;
    }

    /**
     * Puts the ticket of a call that is made now, and will come for a connection on a thread of its own, at the end
     * of its origin's line, uncounted until it waits ({@link #waiting}). Should that fail, the failure is thrown and
     * the ticket is in no line.
     */
    void reserve(Origin origin, Condition ticket) {
        reserved.add(ticket);
        try {
            putInLine(origin, ticket, false);
        } catch (RuntimeException | Error e) {
            reserved.remove(ticket);
            throw e;
        }
    }

    /** Whether the ticket was reserved and its call has not come to wait yet. */
    boolean isReserved(Condition ticket) {
        return reserved.contains(ticket);
    }

    /** The call of a reserved ticket waits now: it counts from here on. */
    void waiting(Condition ticket) {
        if (reserved.remove(ticket)) {
            count++;
        }
    }

    /**
     * Puts the ticket in its origin's line: at the end, or at the front for a call that goes again after the server
     * declared its attempt unprocessed. Should that fail (a full heap), the ticket is in no line, and the failure is
     * thrown.
     */
    void add(Origin origin, Condition ticket, boolean first) {
        putInLine(origin, ticket, first);
        count++;
    }

    /** Puts the ticket in its origin's line, uncounted; a failure leaves it in none. */
    private void putInLine(Origin origin, Condition ticket, boolean first) {
        try {
            Deque<Condition> line = lines.computeIfAbsent(origin, newLine);
            if (first) {
                line.addFirst(ticket);
            } else {
                line.addLast(ticket);
            }
        } catch (RuntimeException | Error e) {
            Deque<Condition> line = lines.get(origin);
            if (line != null) {
                boolean wasFirst = line.peekFirst() == ticket;
                line.remove(ticket);
                wakeFirstOrForget(origin, line, wasFirst);
            }
            throw e;
        }
    }

    /** Takes the ticket out of its origin's line, if it is in it, and wakes the call now first. */
    void leave(Origin origin, Condition ticket) {
        Deque<Condition> line = lines.get(origin);
        if (ticket == null || line == null || !line.remove(ticket)) {
            return;
        }
        if (!reserved.remove(ticket)) {
            count--;
        }
        wakeFirstOrForget(origin, line, true);
    }

    /**
     * Wakes the first call of every origin: a connection was freed or closed. Never throws: it runs after the counts
     * changed, and a waiting call looks again within 50 ms unwoken, should a full heap refuse the iterator.
     */
    void wakeFirstInLine() {
        try {
            for (Deque<Condition> line : lines.values()) {
                Condition first = line.peekFirst();
                if (first != null) {
                    first.signal();
                }
            }
        } catch (RuntimeException | Error e) {
            // see above
        }
    }

    /** Wakes every waiting call, of every origin: the client closed, and none of them will get a connection. */
    void wakeAll() {
        for (Deque<Condition> line : lines.values()) {
            line.forEach(Condition::signal);
        }
    }

    private void wakeFirstOrForget(Origin origin, Deque<Condition> line, boolean wake) {
        if (line.isEmpty()) {
            lines.remove(origin);
        } else if (wake) {
            line.peekFirst().signal();
        }
    }
}
