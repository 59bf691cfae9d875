package dev.wisp.client.internal;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The turns of the calls on one explicit connection, served in the order of their tickets. A call takes its
 * {@link Ticket} in the caller's thread when it is made to run ({@code send}, {@code sendAsync}), so calls made
 * one after another take their turns in that order, whichever of their threads runs first. A turn comes when every
 * ticket before it has been served or abandoned; a ticket whose call is canceled, times out or fails before its
 * turn is abandoned and taken out of the line at once, so nobody waits for it. A waiting call keeps its place for
 * as long as it waits (a semaphore's timed {@code tryAcquire} would lose it at each timeout).
 *
 * <p>Thread-safe: the calls' threads wait here, and a cancel abandons a ticket from any thread. Each ticket has a
 * condition of its own, so a release wakes only the call whose turn it is.
 */
final class ConnectionTurns {
    private final ReentrantLock lock = new ReentrantLock();
    /** Tickets in line, first first; the first one holds the turn once its call has taken it. */
    private final ArrayDeque<Ticket> line = new ArrayDeque<>();

    /** A place at the end of the line. */
    Ticket take() {
        lock.lock();
        try {
            Ticket ticket = new Ticket();
            line.addLast(ticket);
            return ticket;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the turn of the ticket that holds it and wakes the call whose turn is next.
     *
     * @throws IllegalStateException if no call holds the turn
     */
    void release() {
        lock.lock();
        try {
            Ticket holder = line.peekFirst();
            if (holder == null || holder.state != State.HOLDING) {
                throw new IllegalStateException("no call holds the connection's turn");
            }
            holder.state = State.DONE;
            line.removeFirst();
            wakeFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: the first ticket in line may take its turn now. */
    private void wakeFirst() {
        Ticket first = line.peekFirst();
        if (first != null) {
            first.turn.signal();
        }
    }

    private enum State { WAITING, HOLDING, DONE, ABANDONED }

    /** One call's place in line. */
    final class Ticket {
        private final Condition turn = lock.newCondition();
        private State state = State.WAITING;

        /** Whether the ticket's turn came and went: a further exchange of the call (a follow-up) needs another. */
        boolean isDone() {
            lock.lock();
            try {
                return state == State.DONE;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Waits for the ticket's turn and takes it; the caller then holds the turn until {@link #release()}.
         *
         * @param deadline the {@link System#nanoTime()} by which the wait ends, or 0 for none
         * @return true if the turn was taken; false if the ticket is out of the line: abandoned (its call
         *     canceled), its deadline passed, or the thread interrupted (the interrupt status is kept)
         */
        boolean await(long deadline) {
            lock.lock();
            try {
                while (state == State.WAITING && line.peekFirst() != this) {
                    long left = deadline == 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
                    if (left <= 0) {
                        abandonLocked();
                        return false;
                    }
                    try {
                        if (deadline == 0) {
                            turn.await();
                        } else {
                            turn.awaitNanos(left);
                        }
                    } catch (InterruptedException e) {
                        abandonLocked();
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                if (state != State.WAITING) {
                    return false;
                }
                state = State.HOLDING;
                return true;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Gives the place up if the turn has not come to it yet, from any thread: the calls behind it move up,
         * and a thread waiting on it wakes to fail. Does nothing once the turn was taken.
         */
        void abandon() {
            lock.lock();
            try {
                abandonLocked();
            } finally {
                lock.unlock();
            }
        }

        private void abandonLocked() {
            if (state != State.WAITING) {
                return;
            }
            state = State.ABANDONED;
            boolean wasFirst = line.peekFirst() == this;
            line.remove(this);
            turn.signal();
            if (wasFirst) {
                wakeFirst();
            }
        }
    }
}
