package dev.wisp.client.internal;

import dev.wisp.client.ConnectionClosedException;
import dev.wisp.client.Request;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The order of the exchanges on one pipelined HTTP/1.1 connection (RFC 9112 §9.3.2): requests go out one after
 * another without waiting for responses, and responses come back in the order the requests went out, so the
 * exchange whose request went out first reads first.
 *
 * <p>Only a request that is safe to send again is pipelined (idempotent, with a body that can be sent again, no
 * {@code 100-continue}): any other is a barrier, written only once every earlier response has been read, and
 * nothing is written after it until its own response has been read, so a failure never leaves the server
 * wondering whether a POST behind it counted. The writer's turn itself is the owner's; this class only orders
 * the reads and says when the write turn may pass early.
 *
 * <p>Thread-safe: the threads of the calls on the connection wait here.
 */
final class Http1Pipeline {
    /** How often a wait looks at cancellation and the call deadline. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** The places of the exchanges begun and not yet given back, in the order their requests were written. */
    private final ArrayDeque<Place> inOrder = new ArrayDeque<>();

    /**
     * An exchange's place in the line, apart from the exchange: the line must not keep an exchange that its caller
     * dropped unfinished from being found garbage ({@link ExchangeLeaks}), and giving such an exchange's place back
     * then takes the place alone.
     */
    static final class Place {
        /** Whether the exchange passed the write turn on once its request was written; under the lock. */
        private boolean passedWriteTurn;
    }

    /** Whether the request may go out while earlier responses are still to come, and others after it. */
    static boolean isPipelineable(Request request) {
        return request.method().isIdempotent() && request.isBodyRepeatable() && !request.expectsContinue();
    }

    /** Whether no exchange is waiting for its response. */
    boolean isEmpty() {
        lock.lock();
        try {
            return inOrder.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every earlier response has been read: a barrier request goes out only then.
     *
     * @throws IOException if the call is canceled or its deadline passes while it waits
     */
    void awaitEmpty(CallContext call, Connector connector, String what) throws IOException {
        lock.lock();
        try {
            while (!inOrder.isEmpty()) {
                await(call, connector, what);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * An exchange's request is about to be written: its response comes after those of the ones before it.
     *
     * @return the exchange's place in the line
     */
    Place started() {
        Place place = new Place();
        lock.lock();
        try {
            inOrder.addLast(place);
        } finally {
            lock.unlock();
        }
        return place;
    }

    /** Whether the exchange's request, now written, lets the next request go out before its response. */
    boolean passesWriteTurn(Http1Exchange exchange) {
        if (!isPipelineable(exchange.request())) {
            return false;
        }
        lock.lock();
        try {
            exchange.pipelinePlace().passedWriteTurn = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the exchange's response is the next on the wire.
     *
     * @throws ConnectionClosedException if the connection closed before that: an earlier exchange failed, or its
     *     response ended the connection, and this request was not answered
     */
    void awaitTurnToRead(Http1Exchange exchange, Connector connector) throws IOException {
        Http1ClientConnection connection = exchange.connection();
        lock.lock();
        try {
            while (inOrder.peekFirst() != exchange.pipelinePlace() && !connection.isClosed()) {
                await(exchange.call(), connector, "waiting for the responses pipelined before " + exchange.request());
            }
        } finally {
            lock.unlock();
        }
        if (connection.isClosed()) {
            throw new ConnectionClosedException(exchange.request() + " was pipelined on a connection that closed ("
                    + connection.closeReason() + ") before its response; it was not answered", false, null);
        }
        connection.armReading(exchange.call().deadlineNanos(), exchange.call().config().readTimeout().toNanos());
    }

    /**
     * The exchange at this place is done (its response read, or failed, or its caller dropped it): the next one may
     * read.
     *
     * @return whether it still held the write turn, which the owner now passes on
     */
    boolean finished(Place place) {
        lock.lock();
        try {
            inOrder.remove(place);
            changed.signalAll();
            return !place.passedWriteTurn;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter to look again: the connection closed. */
    void connectionClosed() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** One step of a wait, under the lock: cancellation and the call deadline end it. */
    private void await(CallContext call, Connector connector, String what) throws IOException {
        call.checkNotCanceled();
        long deadline = call.deadlineNanos();
        if (deadline != 0 && deadline - System.nanoTime() <= 0) {
            throw connector.timeout(call, deadline, what);
        }
        try {
            changed.awaitNanos(POLL_NANOS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw call.canceledException();
        }
    }
}
