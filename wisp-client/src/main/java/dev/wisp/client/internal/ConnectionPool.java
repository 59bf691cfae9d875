package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.ClientConfig;
import dev.wisp.client.Origin;
import dev.wisp.client.RequestQueueFullException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The persistent connections of a client, per origin: at most {@code maxConnectionsPerOrigin} open to one origin
 * and {@code maxConnections} in all, idle ones kept for {@code keepWarm}, and at most {@code maxQueuedRequests}
 * calls waiting for a connection, served in the order they came. An idle connection is reused most recent first
 * (its server is least likely to have dropped it) after a stale check; when the total cap is reached, the oldest
 * idle connection of another origin is closed to make room.
 *
 * <p>Thread-safe. One lock guards the counts and the idle lists; it is never held during I/O (connecting, the
 * stale check and closing happen outside it). Every connection counted as open is either idle here or leased to
 * exactly one exchange, which gives it back once through {@link #release(Http1ClientConnection)}.
 */
public final class ConnectionPool implements ConnectionSource, ClientSweeper.Sweepable {
    private static final System.Logger LOG = System.getLogger(ConnectionPool.class.getName());

    private final Connector connector;
    private final ClientConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Origin, Deque<Http1ClientConnection>> idle = new HashMap<>();
    /** The calls waiting for a connection, per origin, in the order they came. */
    private final Map<Origin, Deque<Condition>> queues = new HashMap<>();
    private final Map<Origin, Integer> openPerOrigin = new HashMap<>();
    private int open;
    private int idleCount;
    private int waiting;
    private boolean closed;

    public ConnectionPool(Connector connector) {
        this.connector = connector;
        this.config = connector.config();
        ClientSweeper.instance().watch(this);
    }

    /**
     * A connection to the origin for one exchange: an idle one that is not stale, else a new one if the caps
     * allow, else the call waits (within its connect timeout) for one to be released.
     *
     * @throws RequestQueueFullException if maxQueuedRequests calls wait already
     * @throws dev.wisp.client.TimeoutExceededException if none is free in time
     */
    @Override
    public Http1ClientConnection acquire(Origin origin, CallContext call) throws IOException {
        long deadline = call.deadlineWithin(config.connectTimeout());
        Condition ticket = null; // a place in the origin's queue, taken when the call has to wait
        try {
            while (true) {
                call.checkNotCanceled();
                Http1ClientConnection candidate = null;
                lock.lock();
                try {
                    boolean reserved = false;
                    if (hasTurn(origin, ticket)) {
                        candidate = takeIdle(origin);
                        reserved = candidate == null && reserve(origin);
                    }
                    if (candidate == null && !reserved) {
                        ticket = ticket != null ? ticket : enqueue(origin);
                        awaitRoom(origin, ticket, call, deadline);
                        continue;
                    }
                    if (reserved) {
                        leave(origin, ticket); // the connect may take long: the next in line goes on meanwhile
                        ticket = null;
                    }
                } finally {
                    lock.unlock();
                }
                if (candidate == null) {
                    return connectReserved(origin, call);
                }
                if (!candidate.isStale()) {
                    return candidate;
                }
                candidate.close("closed by the server while idle");
                candidate.releaseBuffers();
                forget(candidate);
            }
        } finally {
            if (ticket != null) {
                lock.lock();
                try {
                    leave(origin, ticket);
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * Whether the call may take a connection now: calls that wait for one are served in the order they came, so
     * one that arrives (or wakes) while others of its origin wait goes behind them, and a waiting call that time
     * after time loses the race to later ones cannot time out while connections are given back.
     */
    private boolean hasTurn(Origin origin, Condition ticket) {
        Deque<Condition> queue = queues.get(origin);
        return queue == null || queue.peekFirst() == ticket;
    }

    private Condition enqueue(Origin origin) throws RequestQueueFullException {
        if (waiting >= config.maxQueuedRequests()) {
            throw new RequestQueueFullException("no connection to " + origin + " is free and "
                    + config.maxQueuedRequests() + " calls wait already (maxQueuedRequests)");
        }
        Condition ticket = lock.newCondition();
        queues.computeIfAbsent(origin, o -> new ArrayDeque<>()).addLast(ticket);
        waiting++;
        return ticket;
    }

    /** Takes the call out of its origin's queue, if it is in it, and wakes the one now first. */
    private void leave(Origin origin, Condition ticket) {
        Deque<Condition> queue = queues.get(origin);
        if (ticket == null || queue == null || !queue.remove(ticket)) {
            return;
        }
        waiting--;
        if (queue.isEmpty()) {
            queues.remove(origin);
        } else {
            queue.peekFirst().signal();
        }
    }

    /** Wakes the first waiting call of every origin: a connection was freed or closed. */
    private void wakeFirstInLine() {
        for (Deque<Condition> queue : queues.values()) {
            queue.peekFirst().signal();
        }
    }

    private Http1ClientConnection connectReserved(Origin origin, CallContext call) throws IOException {
        try {
            return connector.connect(origin, call);
        } catch (IOException | RuntimeException e) {
            lock.lock();
            try {
                uncount(origin);
            } finally {
                lock.unlock();
            }
            throw e;
        }
    }

    /** Counts a new connection to the origin if the caps allow, closing another origin's idle one if needed. */
    private boolean reserve(Origin origin) {
        if (closed) {
            throw new IllegalStateException("client is closed");
        }
        if (openPerOrigin.getOrDefault(origin, 0) >= config.maxConnectionsPerOrigin()) {
            return false;
        }
        if (open >= config.maxConnections()) {
            Http1ClientConnection evicted = oldestIdle();
            if (evicted == null) {
                return false;
            }
            idle.get(evicted.origin()).remove(evicted);
            idleCount--;
            uncount(evicted.origin());
            Thread.ofVirtual().start(() -> {
                evicted.close("closed to make room for another origin");
                evicted.releaseBuffers();
            });
        }
        open++;
        openPerOrigin.merge(origin, 1, Integer::sum);
        return true;
    }

    private void awaitRoom(Origin origin, Condition ticket, CallContext call, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw connector.timeout(call, deadline, "waiting for a free connection to " + origin);
        }
        try {
            // Woken when it is first in line and a connection is freed; the bounded wait also notices a cancel.
            ticket.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw call.canceledException();
        }
    }

    private Http1ClientConnection takeIdle(Origin origin) {
        Deque<Http1ClientConnection> list = idle.get(origin);
        Http1ClientConnection connection = list == null ? null : list.pollFirst();
        if (connection != null) {
            idleCount--;
        }
        return connection;
    }

    private Http1ClientConnection oldestIdle() {
        Http1ClientConnection oldest = null;
        for (Deque<Http1ClientConnection> list : idle.values()) {
            Http1ClientConnection last = list.peekLast();
            if (last != null && (oldest == null || last.idleSinceNanos() - oldest.idleSinceNanos() < 0)) {
                oldest = last;
            }
        }
        return oldest;
    }

    @Override
    public void release(Http1ClientConnection connection) {
        boolean keep;
        lock.lock();
        try {
            keep = !closed && connection.isReusable();
            if (keep) {
                connection.idleSince(System.nanoTime());
                idle.computeIfAbsent(connection.origin(), o -> new ArrayDeque<>()).addFirst(connection);
                idleCount++;
            } else {
                uncount(connection.origin());
            }
            wakeFirstInLine();
        } finally {
            lock.unlock();
        }
        if (!keep) {
            connection.close(closed ? "client closed" : "not reusable");
        }
    }

    /** Forgets a connection taken out of the idle list that turned out stale. */
    private void forget(Http1ClientConnection connection) {
        lock.lock();
        try {
            uncount(connection.origin());
            wakeFirstInLine();
        } finally {
            lock.unlock();
        }
    }

    private void uncount(Origin origin) {
        open--;
        openPerOrigin.merge(origin, -1, (a, b) -> a + b == 0 ? null : a + b);
    }

    /** Closes idle connections past their keep-warm time. */
    @Override
    public void sweep(long nowNanos) {
        long keepWarm = config.keepWarm().toNanos();
        Deque<Http1ClientConnection> expired = new ArrayDeque<>();
        lock.lock();
        try {
            for (Deque<Http1ClientConnection> list : idle.values()) {
                while (!list.isEmpty() && nowNanos - list.peekLast().idleSinceNanos() > keepWarm) {
                    Http1ClientConnection connection = list.pollLast();
                    idleCount--;
                    uncount(connection.origin());
                    expired.add(connection);
                }
            }
            if (!expired.isEmpty()) {
                wakeFirstInLine();
            }
        } finally {
            lock.unlock();
        }
        for (Http1ClientConnection connection : expired) {
            LOG.log(DEBUG, () -> "[" + connection + "] idle longer than keepWarm");
            connection.close("idle longer than keepWarm");
        }
    }

    /** Closes every idle connection and refuses new calls; leased connections close when given back. */
    public void close() {
        Deque<Http1ClientConnection> all = new ArrayDeque<>();
        lock.lock();
        try {
            closed = true;
            for (Deque<Http1ClientConnection> list : idle.values()) {
                for (Http1ClientConnection connection : list) {
                    uncount(connection.origin());
                    all.add(connection);
                }
                list.clear();
            }
            idleCount = 0;
            wakeFirstInLine();
        } finally {
            lock.unlock();
        }
        ClientSweeper.instance().unwatch(this);
        all.forEach(connection -> connection.close("client closed"));
    }

    /** Connections open now: idle plus in use. */
    public int openCount() {
        return locked(() -> open);
    }

    /** Connections open now to one origin. */
    public int openCount(Origin origin) {
        return locked(() -> openPerOrigin.getOrDefault(origin, 0));
    }

    public int idleCount() {
        return locked(() -> idleCount);
    }

    private int locked(java.util.function.IntSupplier read) {
        lock.lock();
        try {
            return read.getAsInt();
        } finally {
            lock.unlock();
        }
    }
}
