package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.server.OverflowPolicy;
import dev.wisp.transport.LogLimit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The open connections of a server and the cap on their number. When the cap is reached, the least recently used
 * idle connection is closed to make room (the ESP-IDF HTTPS server's LRU purge); when none is idle, the
 * {@link OverflowPolicy} decides. Finding the LRU connection scans them all, but only when the server is full, so
 * the per-request path costs a volatile write (the idle timestamp), a volatile read (is anyone waiting?) and no
 * lock.
 *
 * <p>An evicted connection whose protocol closes gracefully (HTTP/2: GOAWAY, then a lingering close that reads what
 * the client still sends) gives its slot back at once, and is counted apart while it lingers, up to
 * {@value #MAX_LINGERING} at once (or {@code maxConnections}, if fewer): past that, an evicted connection closes at
 * once, so that evicting cannot be used to hold more sockets than that beyond the cap.
 *
 * <p>Thread-safe: the accept thread admits, connection threads leave, {@code stop} closes.
 */
public final class ConnectionRegistry {
    private static final System.Logger LOG = System.getLogger(ConnectionRegistry.class.getName());
    /**
     * How often a full registry with none to evict looks again, beside each close: for an idle connection whose grace
     * from eviction has passed, or a head that has become slow.
     */
    private static final long RECHECK_NANOS = 100_000_000L;
    /** The most evicted connections that linger at once before they close, beside the {@code maxConnections}. */
    static final int MAX_LINGERING = 64;
    private final int maxConnections;
    private final OverflowPolicy overflowPolicy;
    /**
     * The open connections, as a list threaded through the connections themselves: a set's node per connection
     * would cost every idle connection some 40 bytes. Guarded by listLock, which is held only to link, unlink and
     * walk the list, never while waiting.
     */
    private final ReentrantLock listLock = new ReentrantLock();
    private ServerConnection head;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a connection closes or becomes idle: either may make room. */
    private final Condition roomMayBeFree = lock.newCondition();
    /** Whether the accept thread waits for room; set before it scans, so no connection turning idle is missed. */
    private volatile boolean waiting;
    private int count;
    /** How many times a connection became idle while the accept thread waited; under {@link #lock}. */
    private int becameIdle;
    /** Evicted connections that linger with their slot given back; at most maxLingering. */
    private int lingering;
    private final int maxLingering;
    private boolean closed;
    private final int maxIdleBuffers;
    /** Each client's open connections, for maxConnectionsPerClient; null when there is no such limit. */
    private final ClientConnections clients;
    /** Idle connections that wait holding their read buffer (a burst of requests); at most maxIdleBuffers. */
    private final AtomicInteger idleBuffers = new AtomicInteger();
    /** When {@link #endSlowStreams} last looked, 0 for never: a flood of refused streams looks once a while. */
    private final AtomicLong streamsLook = new AtomicLong();
    /** Lets the line that tells of a full server through at most once a minute; under {@link #lock}. */
    private final LogLimit fullLog = LogLimit.perMinute();

    ConnectionRegistry(int maxConnections, OverflowPolicy overflowPolicy, int maxIdleBuffers,
            int maxConnectionsPerClient) {
        this.maxConnections = maxConnections;
        this.clients = maxConnectionsPerClient > 0 ? new ClientConnections(maxConnectionsPerClient) : null;
        this.overflowPolicy = overflowPolicy;
        this.maxIdleBuffers = maxIdleBuffers;
        this.maxLingering = Math.min(MAX_LINGERING, maxConnections);
    }

    /** Asks whether an idle connection may keep its read buffer while it waits; if so, it must say when done. */
    boolean tryKeepBufferWhileIdle() {
        int held;
        do {
            held = idleBuffers.get();
            if (held >= maxIdleBuffers) {
                return false;
            }
        } while (!idleBuffers.compareAndSet(held, held + 1));
        return true;
    }

    /** How many idle connections wait holding their read buffer now. */
    int idleBuffersHeld() {
        return idleBuffers.get();
    }

    /** Ends a wait that {@link #tryKeepBufferWhileIdle()} allowed. */
    void bufferKeptWhileIdleReturned() {
        idleBuffers.decrementAndGet();
    }

    /** The open connections of each client; null when {@code maxConnectionsPerClient} does not limit them. */
    ClientConnections clients() {
        return clients;
    }

    /**
     * Takes a slot for a new connection, evicting the least recently used idle one if the server is full, or, with
     * none idle, ending the head that has been read the longest, if for over a second, or else the longest request
     * body that comes slower than a trickle, or else the write that has waited the longest for its client to read.
     *
     * @return false if the connection must be rejected: the server is full and the policy is REJECT, or it is
     *     stopping
     */
    boolean admit() throws InterruptedException {
        lock.lock();
        try {
            if (count >= maxConnections && !closed && fullLog.take(System.nanoTime())) {
                // Told, as a full server is otherwise silent while clients wait (or are refused) for their turn.
                LOG.log(WARNING, "the server is full (maxConnections " + maxConnections + "): idle connections,"
                        + " and heads, request bodies and reads of responses that go slowly, make room; else new"
                        + " connections " + (overflowPolicy == OverflowPolicy.REJECT ? "are refused with 503" : "wait")
                        + " (logged again at most once a minute)");
            }
            while (count >= maxConnections && !closed) {
                waiting = true;
                long now = System.nanoTime();
                ServerConnection victim = leastRecentlyUsedIdle(now);
                if (victim != null && victim.evict(lingering < maxLingering)) {
                    if (victim.isEvicted()) {
                        count--; // its slot comes back now, as it lingers
                        lingering++;
                        continue;
                    }
                    // Its slot comes back when its thread has closed it; wait for that, not for more idle ones.
                    int full = count;
                    while (count >= full && !closed) {
                        roomMayBeFree.await();
                    }
                } else if (victim == null && (victim = slowestHead(now)) != null) {
                    // None idle, and a head has taken over a second: its read ends as at its timeout, and its slot
                    // comes back once its thread has answered 408 and closed it (a second at most here).
                    victim.endSlowRead();
                    awaitRoom(SlowClients.SLOW_HEAD_NANOS);
                } else if (victim == null && (victim = slowestBody(now)) != null) {
                    // Else a request body that comes slower than a trickle (HTTP/2: every stream slow, a body or a
                    // response the client gives no room to): the same, after its 408.
                    victim.endSlowBody();
                    awaitRoom(SlowClients.SLOW_HEAD_NANOS);
                } else if (victim == null && (victim = slowestWrite(now)) != null) {
                    // Else a write that has waited over 5 s for its client to read: the connection closes.
                    victim.endSlowWrite();
                    awaitRoom(SlowClients.SLOW_HEAD_NANOS);
                } else if (overflowPolicy == OverflowPolicy.REJECT) {
                    return false;
                } else {
                    // None may go now, but one may soon without closing: an idle one kept while its first request
                    // may come, once its grace has passed; a head once it has taken a second, also one that begins
                    // after this look (a new HTTP/2 connection's preface, read on a thread still to run).
                    roomMayBeFree.await(RECHECK_NANOS, TimeUnit.NANOSECONDS);
                }
            }
            if (closed) {
                return false;
            }
            count++;
            return true;
        } finally {
            waiting = false;
            lock.unlock();
        }
    }

    /**
     * Called by a connection that has just become idle: wakes an accept thread that waits for room, so it can
     * evict this connection instead of waiting for one to close.
     */
    void becameIdle() {
        if (waiting) {
            lock.lock();
            try {
                becameIdle++;
                roomMayBeFree.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    void add(ServerConnection connection) {
        listLock.lock();
        try {
            connection.next = head;
            if (head != null) {
                head.previous = connection;
            }
            head = connection;
            connection.linked = true;
        } finally {
            listLock.unlock();
        }
    }

    /**
     * Puts a connection in the place of the one it took over (after a TLS handshake or a protocol upgrade),
     * keeping its slot. A drain that reached the old one reaches the new one too.
     */
    void replace(ServerConnection old, ServerConnection replacement) {
        listLock.lock();
        try {
            if (!old.linked) {
                return;
            }
            replacement.previous = old.previous;
            replacement.next = old.next;
            if (old.previous != null) {
                old.previous.next = replacement;
            } else {
                head = replacement;
            }
            if (old.next != null) {
                old.next.previous = replacement;
            }
            replacement.linked = true;
            replacement.draining |= old.draining;
            replacement.client = old.client;
            old.client = null;
            old.previous = null;
            old.next = null;
            old.linked = false;
        } finally {
            listLock.unlock();
        }
    }

    /** Gives the slot of a closed connection back. */
    void remove(ServerConnection connection) {
        listLock.lock();
        try {
            if (!connection.linked) {
                return;
            }
            if (connection.previous != null) {
                connection.previous.next = connection.next;
            } else {
                head = connection.next;
            }
            if (connection.next != null) {
                connection.next.previous = connection.previous;
            }
            connection.previous = null;
            connection.next = null;
            connection.linked = false;
        } finally {
            listLock.unlock();
        }
        releaseClient(connection.client);
        connection.client = null;
        if (connection.isEvicted()) {
            lingerEnded();
        } else {
            release();
        }
    }

    /** Gives back the client's place that a connection which closed, or never started, held; nothing for null. */
    void releaseClient(ClientConnections.Client client) {
        if (client != null) {
            clients.release(client);
        }
    }

    /** Ends the count of an evicted connection that lingered, its slot given back already. */
    private void lingerEnded() {
        lock.lock();
        try {
            lingering--;
            roomMayBeFree.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Calls the action for every open connection, holding the list lock. */
    private void forEach(Consumer<ServerConnection> action) {
        listLock.lock();
        try {
            for (ServerConnection connection = head; connection != null; connection = connection.next) {
                action.accept(connection);
            }
        } finally {
            listLock.unlock();
        }
    }

    /** Gives back a slot taken by {@link #admit()} for a connection that never started. */
    void release() {
        lock.lock();
        try {
            count--;
            roomMayBeFree.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The idle connection idle the longest that may be evicted now, or null. */
    private ServerConnection leastRecentlyUsedIdle(long nowNanos) {
        return longestWaiting(connection -> connection.isIdle() && connection.mayBeEvicted(nowNanos)
                ? connection.idleSinceNanos() : 0);
    }

    /**
     * The connection that has waited the longest by {@code since}: its start ({@link System#nanoTime()}), or 0 for
     * a connection that is not a candidate (a time of exactly 0 counts as none, as for a head's start); or null.
     */
    private ServerConnection longestWaiting(ToLongFunction<ServerConnection> since) {
        listLock.lock();
        try {
            ServerConnection oldest = null;
            long oldestSince = 0;
            for (ServerConnection connection = head; connection != null; connection = connection.next) {
                long started = since.applyAsLong(connection);
                if (started != 0 && (oldest == null || started - oldestSince < 0)) {
                    oldest = connection;
                    oldestSince = started;
                }
            }
            return oldest;
        } finally {
            listLock.unlock();
        }
    }

    /** The connection that has read a request head the longest, for over a second and not ended yet; or null. */
    private ServerConnection slowestHead(long nowNanos) {
        return longestWaiting(connection -> {
            long since = connection.headSinceNanos();
            boolean slow = since != 0 && nowNanos - since >= SlowClients.SLOW_HEAD_NANOS && !connection.isTimedOut();
            return slow ? since : 0;
        });
    }

    /** The connection that has waited the longest for a request body that comes slower than a trickle; or null. */
    private ServerConnection slowestBody(long nowNanos) {
        return longestWaiting(connection -> connection.slowBodySinceNanos(nowNanos));
    }

    /** The connection whose write has waited the longest for its client to read, over 5 s; or null. */
    private ServerConnection slowestWrite(long nowNanos) {
        return longestWaiting(connection -> SlowClients.slowWriteSince(connection.writeWaitingSinceNanos(), nowNanos));
    }

    /**
     * Ends every stream, on any connection, whose client is slow ({@link SlowClients}: a request body slower than a
     * trickle ends with 408, a response the client gives no room to is reset): for a server whose places for streams
     * ({@code maxActiveStreams}) have run out, which refuses new streams meanwhile. Clients that drip DATA, or credit,
     * on many streams would otherwise hold every place; theirs free again as the ended handlers return. Looks at most
     * once every 100 ms, as a stream that is refused costs its client next to nothing.
     */
    void endSlowStreams(long nowNanos) {
        long last = streamsLook.get();
        if (last != 0 && nowNanos - last < RECHECK_NANOS || !streamsLook.compareAndSet(last, nowNanos | 1)) {
            return;
        }
        forEach(connection -> connection.endSlowStreams(nowNanos));
    }

    /**
     * Waits, under {@link #lock}, for a slot to come back from a connection that was told to end, at most this long:
     * its thread closes it, mostly at once; or for a connection to become idle, to evict (one whose HTTP/2 streams
     * were ended).
     */
    private void awaitRoom(long nanos) throws InterruptedException {
        int full = count;
        int idleBefore = becameIdle;
        long left = nanos;
        while (count >= full && becameIdle == idleBefore && !closed && left > 0) {
            left = roomMayBeFree.awaitNanos(left);
        }
    }

    /** Refuses new connections and wakes an accept thread waiting for a slot. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            roomMayBeFree.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes every idle connection and tells busy ones to close after their exchange. */
    public void drain() {
        forEach(ServerConnection::drain);
    }

    /** Closes every connection's socket, whatever it is doing. */
    public void closeAll() {
        forEach(connection -> connection.abort("server stopped"));
    }

    /**
     * Expires the connections whose read deadline has passed, and frees one a tick that its thread left behind
     * ({@link ServerConnection#reclaim()}); called by the sweeper. Allocates nothing (no lambda capturing the
     * time), so that deadlines still fire while the heap is full.
     */
    public void expireLate(long nowNanos) {
        ServerConnection leftBehind = null;
        listLock.lock();
        try {
            for (ServerConnection connection = head; connection != null; connection = connection.next) {
                if (connection.expireIfLate(nowNanos) && leftBehind == null) {
                    leftBehind = connection;
                }
            }
        } finally {
            listLock.unlock();
        }
        if (leftBehind != null) {
            // After the list lock, whose holder must not take the count's lock (admit() takes them the other way);
            // one a tick, so that no list is made. Rare: a thread that died of a full heap, or that the JDK lost.
            leftBehind.reclaim();
        }
    }

    /**
     * Ends the connections that made no progress since the last call ({@link ServerConnection#shedIfStalled}); called
     * by the sweeper while the server sheds load. Allocates nothing.
     */
    public void shedStalled() {
        listLock.lock();
        try {
            for (ServerConnection connection = head; connection != null; connection = connection.next) {
                connection.shedIfStalled();
            }
        } finally {
            listLock.unlock();
        }
    }

    /**
     * Waits until every connection has closed, those that linger after an eviction too, at most for the timeout.
     *
     * @return whether none is left
     */
    public boolean awaitEmpty(long timeout, TimeUnit unit) throws InterruptedException {
        long left = unit.toNanos(timeout);
        lock.lock();
        try {
            while (count > 0 || lingering > 0) {
                if (left <= 0) {
                    return false;
                }
                left = roomMayBeFree.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the registry holds, one line: the counts, then each connection listed ({@link ServerConnection#describe});
     * for a test to tell why a connection stays counted.
     */
    public String describe(long nowNanos) {
        StringBuilder text = new StringBuilder();
        lock.lock();
        try {
            text.append("count=").append(count).append(" lingering=").append(lingering);
        } finally {
            lock.unlock();
        }
        forEach(connection -> text.append("; ").append(connection.describe(nowNanos)));
        return text.toString();
    }

    /**
     * The WebSockets open now, over HTTP/1.1 and HTTP/2: a walk of the open connections, for a metrics scrape, so
     * that no exchange pays for a count kept as they go.
     */
    public int openWebSockets() {
        int[] open = new int[1];
        forEach(connection -> open[0] += connection.openWebSockets());
        return open[0];
    }

    /** The number of open connections, not counting evicted ones that linger before they close. */
    public int size() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }
}
