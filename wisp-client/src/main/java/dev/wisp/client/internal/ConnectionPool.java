package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.ClientClosedException;
import dev.wisp.client.ClientConfig;
import dev.wisp.client.Http2Mode;
import dev.wisp.client.Origin;
import dev.wisp.client.RequestQueueFullException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The persistent connections of a client, per origin: at most {@code maxConnectionsPerOrigin} open to one origin
 * and {@code maxConnections} in all, idle ones kept for {@code keepWarm}, and at most {@code maxQueuedRequests}
 * calls waiting for a connection, served in the order they came: an asynchronous call's place is taken when it is
 * made ({@link #reserveAsyncTurn}), so calls made one after another are served in that order. The order holds across
 * origins too where calls wait for room under the total cap: a call gives way to an earlier one of another origin
 * that would open a connection or take its idle one ({@link #wouldOpen}). An idle connection is
 * reused most recent first (its server is least likely to have dropped it) after a stale check; when the total cap
 * is reached, the oldest idle connection of another origin is closed to make room.
 *
 * <p>A connection whose server took HTTP/2 is shared instead: each call gets a stream of it, as many at once as the
 * server allows, and calls wait for a stream as they wait for a connection. Once an origin is known to speak HTTP/2,
 * calls wait for a connection being made to it rather than make one each; a connection that takes no new streams
 * (GOAWAY, stream ids used up) serves its streams to their end, and another is made for new calls.
 *
 * <p>Thread-safe. One lock guards the counts and the idle lists; it is never held during I/O (connecting, the
 * stale check and closing happen outside it). Every HTTP/1.1 connection counted as open is either idle here or
 * leased to exactly one exchange, which gives it back once through {@link #release(Http1ClientConnection)} (or
 * its watch does, should its caller drop it unfinished: {@link ExchangeLeaks}); an HTTP/2 connection counts as open
 * until it closes.
 *
 * <p>Over 500 lines: the counts, the idle lists, the shared HTTP/2 connections and the calls waiting for any of them
 * are one state under one lock, and each way in or out of it (lease, share, release, evict, sweep, close) must keep
 * the counts true; the queue of waiting calls is {@link WaitingCalls}.
 */
public final class ConnectionPool implements ConnectionSource, ClientSweeper.Sweepable,
        Http2ClientConnection.Owner {
    private static final System.Logger LOG = System.getLogger(ConnectionPool.class.getName());
    /*
     * What giving a connection back runs, made when the class loads, for the first connection given back may come
     * under a full heap: a lambda's call site is linked, and a string literal made, where it first runs, which takes
     * memory. Hence fields, and reasons that are no compile-time constants (String.valueOf).
     */
    /** Counts one down in a map of counts, removing the count at zero. */
    static final BiFunction<Integer, Integer, Integer> COUNT_DOWN = (a, b) -> a + b == 0 ? null : a + b;
    private static final Function<Origin, List<Http2ClientConnection>> NEW_SHARED_LIST = o -> new ArrayList<>();
    /** The most room an idle list is made with; one for more connections per origin may grow past it. */
    private static final int MAX_IDLE_ROOM = 64;
    /**
     * How long a client's close waits for the HTTP/2 connections it closed to end: their reading threads take far
     * less, as what they still read is in the sockets' buffers already, or nothing.
     */
    private static final long HTTP2_END_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * The streams an HTTP/2 connection being made is expected to serve at once: RFC 9113 §6.5.2 recommends a server
     * allow no fewer than 100.
     */
    private static final int EXPECTED_STREAMS = 100;
    private static final String UNEXPECTED_FAILURE = String.valueOf(Exchange.UNEXPECTED_FAILURE);
    private static final String CLIENT_CLOSED = String.valueOf("client closed");
    private static final String NOT_REUSABLE = String.valueOf("not reusable");

    private final Connector connector;
    private final ClientConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Origin, Deque<Http1ClientConnection>> idle = new HashMap<>();
    /**
     * Makes an origin's idle list with room for every connection it may hold: an ArrayDeque that grows stores the
     * element first, and growing under a full heap would lose it. Made here, as the fields above, before any heap
     * fills.
     */
    private final Function<Origin, Deque<Http1ClientConnection>> newIdleList;
    /** The calls waiting for a connection, per origin, in the order they came. */
    private final WaitingCalls waitingCalls = new WaitingCalls();
    private final Map<Origin, Integer> openPerOrigin = new HashMap<>();
    /** The HTTP/2 connections per origin that take new streams. */
    private final Map<Origin, List<Http2ClientConnection>> http2 = new HashMap<>();
    /** Every open HTTP/2 connection, taking new streams or not. */
    private final Set<Http2ClientConnection> http2Open = new HashSet<>();
    /** The origins with open connections whose servers chose HTTP/2, and those whose servers chose HTTP/1.1. */
    private final Set<Origin> http2Origins = new HashSet<>();
    private final Set<Origin> http1Origins = new HashSet<>();
    /** Connections being made, per origin. */
    private final Map<Origin, Integer> connecting = new HashMap<>();
    /** Connections whose giving back failed, taken back by the sweeper. */
    private final UnreleasedConnections unreleased = new UnreleasedConnections();
    private int open;
    private int idleCount;
    private volatile boolean closed;

    public ConnectionPool(Connector connector) {
        this.connector = connector;
        this.config = connector.config();
        int room = Math.min(config.maxConnectionsPerOrigin(), MAX_IDLE_ROOM);
        this.newIdleList = origin -> new ArrayDeque<>(room);
        ClientSweeper.instance().watch(this);
    }

    /**
     * The call's exchange: on a stream of a shared HTTP/2 connection to the origin if one has room, else on a
     * connection of its own, idle or new; a new connection whose server chooses HTTP/2 is shared from then on.
     */
    @Override
    public Exchange startExchange(CallContext call) throws IOException {
        Origin origin = call.request().origin();
        while (true) {
            Lease lease = lease(origin, call);
            if (lease.http2() != null) {
                return watched(Http2Exchange.start(lease.http2(), call));
            }
            if (!lease.http1().speaksHttp2()) {
                return watched(Http1Exchange.start(lease.http1(), this, call));
            }
            Http2ClientConnection shared = share(lease.http1(), call);
            if (shared != null) {
                return watched(Http2Exchange.start(shared, call));
            }
        }
    }

    /** The exchange, watched in case its caller drops it unfinished (see {@link ExchangeLeaks}). */
    private static Exchange watched(Exchange exchange) {
        return ExchangeLeaks.instance().watch(exchange);
    }

    /** A connection for one exchange, or a stream reserved on a shared one. */
    private record Lease(Http1ClientConnection http1, Http2ClientConnection http2) {
    }

    /**
     * The lease of a connection taken out of the pool; should even that fail (under a full heap), the connection
     * goes back closed rather than stay checked out with nobody to give it back.
     */
    private Lease leaseOf(Http1ClientConnection connection) {
        try {
            return new Lease(connection, null);
        } catch (RuntimeException | Error e) {
            releaseClosed(connection, UNEXPECTED_FAILURE);
            throw e;
        }
    }

    /** Whether an idle connection taken out is stale; a failure of the check gives it back closed. */
    private boolean isStale(Http1ClientConnection connection) {
        try {
            return connection.isStale();
        } catch (RuntimeException | Error e) {
            releaseClosed(connection, UNEXPECTED_FAILURE);
            throw e;
        }
    }

    /**
     * A connection to the origin for one HTTP/1.1 exchange (an explicit caller's, never shared over HTTP/2).
     *
     * @throws RequestQueueFullException if maxQueuedRequests calls wait already
     * @throws dev.wisp.client.TimeoutExceededException if none is free in time
     */
    @Override
    public Http1ClientConnection acquire(Origin origin, CallContext call) throws IOException {
        Lease lease = lease(origin, call);
        if (lease.http2() != null) {
            throw new IllegalStateException("an HTTP/2 stream where an HTTP/1.1 connection was asked for");
        }
        return lease.http1();
    }

    /**
     * A stream on a shared HTTP/2 connection that has room, else an idle connection that is not stale, else a new
     * one if the caps allow, else the call waits (within its connect timeout) for one of these. A call to an origin
     * known to speak HTTP/2 waits for a connection being made to it rather than make another.
     */
    private Lease lease(Origin origin, CallContext call) throws IOException {
        long deadline = call.deadlineWithin(config.connectTimeout());
        // A place in the origin's queue: the one the call reserved when it was made, else taken when it has to wait.
        WaitingCalls.Ticket ticket = call.takeReservedPlace(this, origin);
        try {
            while (true) {
                call.checkNotCanceled();
                Http1ClientConnection candidate = null;
                lock.lock();
                try {
                    if (closed) {
                        throw clientClosed(call);
                    }
                    boolean reserved = false;
                    if (waitingCalls.hasTurn(origin, ticket)) {
                        // Where all room is taken, an earlier call of another origin that would open a connection
                        // closes an idle one for room, an HTTP/2 one once its streams ended: a later call takes
                        // neither an idle connection nor a stream (which would keep its connection from ending).
                        // A new connection may take its room or close its idle one.
                        boolean givesWay = open >= config.maxConnections()
                                && waitingCalls.hasEarlierFirst(origin, ticket, this::wouldOpen);
                        // Not the connection that refused the call's last attempt, while another can be had.
                        Http2ClientConnection refusing = call.refusedOn();
                        Http2ClientConnection shared = givesWay ? null : reserveStream(origin, refusing);
                        if (shared != null) {
                            return new Lease(null, shared);
                        }
                        candidate = givesWay ? null : takeIdle(origin);
                        reserved = candidate == null && !givesWay && !awaitsHttp2(origin)
                                && !waitingCalls.hasEarlierFirst(origin, ticket, this::wouldOpenOrTakeIdle)
                                && reserve(origin);
                        if (candidate == null && !reserved && !givesWay && refusing != null
                                && (shared = reserveStream(origin, null)) != null) {
                            return new Lease(null, shared); // none other to be had: it goes there again
                        }
                    }
                    if (candidate == null && !reserved) {
                        ticket = ticket == null ? enqueue(origin, call) : startWaiting(origin, ticket);
                        awaitRoom(origin, ticket, call, deadline);
                        continue;
                    }
                    if (reserved) {
                        // The connect may take long: the next in line goes on meanwhile.
                        waitingCalls.leave(origin, ticket);
                        ticket = null;
                    }
                } finally {
                    lock.unlock();
                }
                if (candidate == null) {
                    candidate = connectReserved(origin, call);
                    if (closed && !candidate.speaksHttp2()) { // an HTTP/2 one is refused by share()
                        releaseClosed(candidate, CLIENT_CLOSED);
                        throw clientClosed(call);
                    }
                    return leaseOf(candidate);
                }
                if (!isStale(candidate)) {
                    return leaseOf(candidate);
                }
                releaseClosed(candidate, "closed by the server while idle");
            }
        } finally {
            if (ticket != null) {
                lock.lock();
                try {
                    waitingCalls.leave(origin, ticket);
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * A shared HTTP/2 connection to the origin whose server takes WebSockets as streams (RFC 8441's
     * SETTINGS_ENABLE_CONNECT_PROTOCOL), with a stream reserved for one; null if none has a free place now. Never
     * waits and never connects: a WebSocket without one opens a connection of its own.
     */
    public Http2ClientConnection reserveWebSocketStream(Origin origin) {
        lock.lock();
        try {
            List<Http2ClientConnection> shared = closed ? null : http2.get(origin);
            if (shared != null) {
                for (Http2ClientConnection connection : shared) {
                    if (connection.acceptsExtendedConnect() && connection.tryReserveStream()) {
                        return connection;
                    }
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A shared HTTP/2 connection to the origin with a stream reserved for the call, or null; under the lock.
     *
     * @param passedOver a connection not to take (one that refused the call), or null
     */
    private Http2ClientConnection reserveStream(Origin origin, Http2ClientConnection passedOver) {
        List<Http2ClientConnection> shared = http2.get(origin);
        if (shared != null) {
            for (Http2ClientConnection connection : shared) {
                if (connection != passedOver && connection.tryReserveStream()) {
                    return connection;
                }
            }
        }
        return null;
    }

    /**
     * Whether the first call waiting for the origin would open a connection, room allowed: its origin has room for
     * one, and it has no idle connection of its own to take, no stream to share and none being made to wait for. A
     * call of another origin made after it gives way to it. Under the lock.
     */
    private boolean wouldOpen(Origin origin) {
        return !hasIdle(origin) && !hasStreamRoom(origin) && mayOpen(origin);
    }

    /**
     * As {@link #wouldOpen}, or it would take an idle connection of its own, or a stream of its HTTP/2 connection:
     * a new connection may close either for room (one without streams), and the earlier call would then need room.
     */
    private boolean wouldOpenOrTakeIdle(Origin origin) {
        return hasIdle(origin) || hasStreamRoom(origin) || mayOpen(origin);
    }

    /** Whether the origin has room for a connection and none being made that its calls wait for. */
    private boolean mayOpen(Origin origin) {
        return openPerOrigin.getOrDefault(origin, 0) < config.maxConnectionsPerOrigin() && !awaitsHttp2(origin);
    }

    private boolean hasStreamRoom(Origin origin) {
        List<Http2ClientConnection> shared = http2.get(origin);
        return shared != null && shared.stream().anyMatch(Http2ClientConnection::hasRoomForStream);
    }

    private boolean hasIdle(Origin origin) {
        Deque<Http1ClientConnection> idleOfOrigin = idle.get(origin);
        return idleOfOrigin != null && !idleOfOrigin.isEmpty();
    }

    /**
     * Whether the call waits for a connection being made to the origin rather than make one: it will serve the
     * call if its server speaks HTTP/2, as it is known to, or may choose (the first connection to an origin tells;
     * until then calls do not open a connection each). Under the lock.
     */
    private boolean awaitsHttp2(Origin origin) {
        if (connecting.getOrDefault(origin, 0) == 0) {
            return false;
        }
        boolean mayChooseHttp2 = config.http2() != Http2Mode.OFF
                && (origin.isTls() || config.http2() == Http2Mode.PRIOR_KNOWLEDGE);
        return http2Origins.contains(origin) || mayChooseHttp2 && !http1Origins.contains(origin);
    }

    /**
     * Starts HTTP/2 on a new connection whose server chose it, shares it, and reserves a stream of it for the call.
     *
     * @return the connection, or null if the server allows no stream now (the call looks again)
     */
    private Http2ClientConnection share(Http1ClientConnection socket, CallContext call) throws IOException {
        Origin origin = socket.origin();
        Http2ClientConnection shared;
        long deadline = call.deadlineWithin(config.connectTimeout());
        try {
            shared = Http2ClientConnection.start(socket, config, this, deadline);
        } catch (IOException | RuntimeException | Error e) {
            lock.lock();
            try {
                connected(origin);
                uncount(origin);
                waitingCalls.wakeFirstInLine();
            } finally {
                lock.unlock();
            }
            if (e instanceof Error) {
                throw e;
            }
            call.checkNotCanceled();
            if (socket.expired() != null) {
                throw connector.timeout(call, deadline, "the HTTP/2 preface (SETTINGS) of " + origin
                        + ", which chose HTTP/2");
            }
            if (e instanceof IOException io) {
                throw Failures.map(io, call, socket, Failures.Phase.AWAITING_RESPONSE);
            }
            throw e;
        }
        boolean reserved;
        boolean refused;
        lock.lock();
        try {
            refused = closed;
            addShared(origin, shared, refused);
            connected(origin);
            reserved = !refused && shared.tryReserveStream();
        } catch (RuntimeException | Error e) {
            // a full heap refused the lists' room: the connection is given up, as one whose preface failed
            connected(origin);
            uncount(origin);
            shared.close(UNEXPECTED_FAILURE); // only here under the lock: a socket's close does not wait
            throw e;
        } finally {
            waitingCalls.wakeFirstInLine();
            lock.unlock();
        }
        if (refused) {
            shared.close(CLIENT_CLOSED);
            throw clientClosed(call);
        }
        return reserved ? shared : null;
    }

    /** Adds a new HTTP/2 connection to the open ones and, unless refused, to the origin's shared ones; or neither. */
    private void addShared(Origin origin, Http2ClientConnection shared, boolean refused) {
        http2Open.add(shared);
        if (!refused) {
            try {
                http2.computeIfAbsent(origin, NEW_SHARED_LIST).add(shared);
            } catch (RuntimeException | Error e) {
                http2Open.remove(shared);
                List<Http2ClientConnection> list = http2.get(origin);
                if (list != null && list.isEmpty()) {
                    http2.remove(origin);
                }
                throw e;
            }
        }
    }

    @Override
    public void http2CapacityChanged(Http2ClientConnection connection) {
        lock.lock();
        try {
            waitingCalls.wakeFirstInLine();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void http2Retired(Http2ClientConnection connection) {
        lock.lock();
        try {
            List<Http2ClientConnection> shared = http2.get(connection.origin());
            if (shared != null && shared.remove(connection) && shared.isEmpty()) {
                http2.remove(connection.origin());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void http2Closed(Http2ClientConnection connection) {
        lock.lock();
        try {
            if (http2Open.remove(connection)) {
                uncount(connection.origin());
            }
            waitingCalls.wakeFirstInLine();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts the call in its origin's line: at the end, or at the front if it goes again after the server declared
     * its attempt unprocessed. Servers that end connections after a number of requests process a new connection's
     * first streams; a call sent again behind the newer ones would meet the refusal again and again.
     */
    private WaitingCalls.Ticket enqueue(Origin origin, CallContext call) throws RequestQueueFullException {
        boolean expectsStream = expectsStream(origin);
        checkRoomInLine(origin, expectsStream);
        WaitingCalls.Ticket ticket = waitingCalls.newTicket(lock.newCondition());
        waitingCalls.add(origin, ticket, call.isGoingAgain(), expectsStream);
        return ticket;
    }

    /** The call of a place reserved when it was made comes to wait in it, counted from now on. */
    private WaitingCalls.Ticket startWaiting(Origin origin, WaitingCalls.Ticket ticket)
            throws RequestQueueFullException {
        if (waitingCalls.isReserved(ticket)) {
            boolean expectsStream = expectsStream(origin);
            checkRoomInLine(origin, expectsStream);
            waitingCalls.waiting(origin, ticket, expectsStream);
        }
        return ticket;
    }

    /**
     * Whether a call that comes to wait now waits for a stream its origin's HTTP/2 connections have free, or one
     * being made is expected to have, beyond those the calls before it wait for: such calls count against those
     * streams, not against {@code maxQueuedRequests}, for they wait only for their turn or for the connection to be
     * up. A call let in so waits on uncounted should it get no stream after all (a server that allows fewer): it is
     * not turned away later. Under the lock.
     */
    private boolean expectsStream(Origin origin) {
        int expected = awaitsHttp2(origin) ? EXPECTED_STREAMS * connecting.getOrDefault(origin, 0) : 0;
        List<Http2ClientConnection> shared = http2.get(origin);
        if (shared != null) {
            for (Http2ClientConnection connection : shared) {
                expected += connection.streamRoom();
            }
        }
        return waitingCalls.expectingStreams(origin) < expected;
    }

    private void checkRoomInLine(Origin origin, boolean expectsStream) throws RequestQueueFullException {
        if (!expectsStream && waitingCalls.count() >= config.maxQueuedRequests()) {
            throw new RequestQueueFullException("no connection to " + origin + " is free and "
                    + config.maxQueuedRequests() + " calls wait already (maxQueuedRequests)");
        }
    }

    /**
     * Takes the call's place at the end of its origin's line now, in the caller's thread, for an asynchronous call,
     * whose thread may run after those of calls made later; uncounted until the call waits in it. Nothing is taken if
     * the client is closed or memory is short: the call then takes its place when it comes.
     */
    @Override
    public void reserveAsyncTurn(CallContext call) {
        Origin origin = call.request().origin();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            WaitingCalls.Ticket ticket = waitingCalls.newTicket(lock.newCondition());
            ReservedPlace place = new ReservedPlace(this, origin, ticket);
            waitingCalls.reserve(origin, ticket);
            call.holdReservedPlace(place);
        } catch (RuntimeException | Error shortOfMemory) {
            // the call takes its place when it comes
        } finally {
            lock.unlock();
        }
    }

    /** Gives up a place reserved by a call that ended before it came for a connection (failed, canceled). */
    void leaveReserved(Origin origin, WaitingCalls.Ticket ticket) {
        lock.lock();
        try {
            waitingCalls.leave(origin, ticket);
        } finally {
            lock.unlock();
        }
    }

    /** The place an asynchronous call took in a pool's line when it was made. */
    record ReservedPlace(ConnectionPool pool, Origin origin, WaitingCalls.Ticket ticket) {
        void abandon() {
            pool.leaveReserved(origin, ticket);
        }
    }

    private Http1ClientConnection connectReserved(Origin origin, CallContext call) throws IOException {
        Http1ClientConnection connection = null;
        try {
            connection = connector.connect(origin, call);
            return connection;
        } finally {
            lock.lock();
            try {
                noteConnected(origin, connection);
            } catch (RuntimeException | Error e) {
                if (connection != null) { // a full heap refused the note of its protocol: given up, as if it failed
                    connected(origin);
                    uncount(origin);
                    connection.close(UNEXPECTED_FAILURE); // only here under the lock: a socket's close does not wait
                }
                throw e;
            } finally {
                waitingCalls.wakeFirstInLine(); // calls that waited for this connection to learn its protocol go on
                lock.unlock();
            }
        }
    }

    /**
     * Notes a connection made (and the protocol its server chose) or failed, under the lock. What takes memory comes
     * first, so that nothing changed if it fails.
     */
    private void noteConnected(Origin origin, Http1ClientConnection connection) {
        if (connection == null) {
            connected(origin);
            uncount(origin);
        } else if (connection.speaksHttp2()) {
            http2Origins.add(origin); // still connecting: calls wait until HTTP/2 is up, see share()
        } else {
            http1Origins.add(origin);
            connected(origin);
        }
    }

    /** A connection being made to the origin is made, or failed; under the lock. */
    private void connected(Origin origin) {
        connecting.merge(origin, -1, COUNT_DOWN);
    }

    /** Counts a new connection to the origin if the caps allow, closing another origin's idle one if needed. */
    private boolean reserve(Origin origin) {
        if (openPerOrigin.getOrDefault(origin, 0) >= config.maxConnectionsPerOrigin()) {
            return false;
        }
        if (open >= config.maxConnections() && !evictIdle()) {
            return false;
        }
        // The maps first: an origin's first entry takes memory, and if a full heap refuses it nothing has changed.
        openPerOrigin.merge(origin, 1, Integer::sum);
        try {
            connecting.merge(origin, 1, Integer::sum);
        } catch (RuntimeException | Error e) {
            openPerOrigin.merge(origin, -1, COUNT_DOWN);
            throw e;
        }
        open++;
        return true;
    }

    /**
     * Closes an idle connection to make room under {@code maxConnections}: the HTTP/1.1 one idle the longest, else
     * an HTTP/2 connection without streams. Under the lock; the close runs on a thread of its own.
     *
     * @return false if no connection is idle
     */
    private boolean evictIdle() {
        String reason = "closed to make room for another origin";
        Http1ClientConnection evicted = oldestIdle();
        if (evicted != null) {
            idle.get(evicted.origin()).remove(evicted);
            idleCount--;
            uncount(evicted.origin());
            closeAside(() -> {
                evicted.close(reason);
                evicted.releaseBuffers();
            });
            return true;
        }
        long now = System.nanoTime();
        for (Http2ClientConnection shared : http2Open) {
            if (shared.retireIfIdleFor(0, now)) {
                http2Open.remove(shared); // counted out now, not when it has closed
                uncount(shared.origin());
                closeAside(() -> shared.close(reason));
                return true;
            }
        }
        return false;
    }

    /**
     * Closes a connection counted out on a thread of its own, not to close under the lock; here after all should
     * the thread not start (a full heap), for a connection counted out must not stay open.
     */
    private static void closeAside(Runnable close) {
        try {
            Thread.ofVirtual().start(close);
        } catch (RuntimeException | Error e) {
            close.run();
        }
    }

    private void awaitRoom(Origin origin, WaitingCalls.Ticket ticket, CallContext call, long deadline)
            throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw connector.timeout(call, deadline, "waiting for a free connection to " + origin);
        }
        try {
            // Woken when it is first in line and a connection is freed; the bounded wait also notices a cancel.
            ticket.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
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

    /**
     * Takes a connection back. Should that fail before the connection is idle or counted out (a full heap refuses a
     * new origin's idle list, say), it goes to {@link #unreleased} and the sweeper takes it back later: the exchange
     * that gave it back has ended, and nothing else would.
     */
    @Override
    public void release(Http1ClientConnection connection) {
        boolean keep = false;
        boolean taken = false;
        try {
            lock.lock();
            try {
                keep = !closed && connection.isReusable();
                if (keep) {
                    Deque<Http1ClientConnection> list = idle.computeIfAbsent(connection.origin(), newIdleList);
                    connection.idleSince(System.nanoTime());
                    list.addFirst(connection);
                    idleCount++;
                } else {
                    uncount(connection.origin());
                }
                taken = true;
                waitingCalls.wakeFirstInLine();
            } finally {
                lock.unlock();
            }
        } catch (RuntimeException | Error e) {
            if (!taken) {
                unreleased.push(connection);
            }
            throw e;
        }
        if (!keep) {
            connection.close(closed ? CLIENT_CLOSED : NOT_REUSABLE);
        }
    }

    private void uncount(Origin origin) {
        Integer left = openPerOrigin.merge(origin, -1, COUNT_DOWN); // before open--: if it fails, nothing changed
        open--;
        if (left == null) {
            http1Origins.remove(origin); // what the next connection chooses is learned anew
            http2Origins.remove(origin);
        }
    }

    /** Closes idle connections past their keep-warm time, and has the connector trim its buffer pools. */
    @Override
    public void sweep(long nowNanos) {
        unreleased.releaseTo(this);
        connector.trimBuffers(nowNanos);
        long keepWarm = config.keepWarm().toNanos();
        Deque<Http1ClientConnection> expired = new ArrayDeque<>();
        List<Http2ClientConnection> expiredHttp2 = new ArrayList<>();
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
                waitingCalls.wakeFirstInLine();
            }
            expiredHttp2.addAll(http2Open);
        } finally {
            lock.unlock();
        }
        expiredHttp2.removeIf(connection -> !connection.retireIfIdleFor(keepWarm, nowNanos));
        for (Http1ClientConnection connection : expired) {
            LOG.log(DEBUG, () -> "[" + connection + "] idle longer than keepWarm");
            connection.close("idle longer than keepWarm");
        }
        expiredHttp2.forEach(connection -> connection.close("idle longer than keepWarm"));
    }

    /**
     * What a call gets that has no connection or stream yet when the client is closed, or is made after: it was not
     * sent. An exception of the call's family, so that an asynchronous call hands it to its callback.
     */
    private static ClientClosedException clientClosed(CallContext call) {
        return new ClientClosedException("the client was closed before " + call.request()
                + " had a connection; not sent");
    }

    /**
     * Closes every idle connection and refuses new calls; the calls waiting for a connection fail. Calls on the wire
     * finish: a leased HTTP/1.1 connection closes when given back, an HTTP/2 connection takes no new stream and
     * closes once its last stream has ended. Returns once the idle connections have closed and are counted out, an
     * HTTP/2 one once its reading thread has ended it, which it does at once; should one be lost, after a second.
     */
    public void close() {
        Deque<Http1ClientConnection> all = new ArrayDeque<>();
        List<Http2ClientConnection> shared;
        lock.lock();
        try {
            closed = true;
            shared = new ArrayList<>(http2Open);
            for (Deque<Http1ClientConnection> list : idle.values()) {
                for (Http1ClientConnection connection : list) {
                    uncount(connection.origin());
                    all.add(connection);
                }
                list.clear();
            }
            idleCount = 0;
            waitingCalls.wakeAll();
        } finally {
            lock.unlock();
        }
        ClientSweeper.instance().unwatch(this);
        all.forEach(connection -> connection.close(CLIENT_CLOSED));
        shared.removeIf(connection -> !connection.closeWhenIdle(CLIENT_CLOSED));
        long deadline = System.nanoTime() + HTTP2_END_WAIT_NANOS;
        for (Http2ClientConnection closing : shared) {
            closing.awaitEnd(deadline - System.nanoTime());
        }
    }

    /** Connections open now: idle plus in use. */
    public int openCount() {
        return locked(() -> open);
    }

    /** Connections open now to one origin. */
    public int openCount(Origin origin) {
        return locked(() -> openPerOrigin.getOrDefault(origin, 0));
    }

    /** Connections open now that carry no exchange: HTTP/1.1 ones kept for reuse, HTTP/2 ones with no stream open. */
    public int idleCount() {
        return locked(() -> {
            int idleShared = 0;
            for (Http2ClientConnection shared : http2Open) {
                if (shared.isIdle()) {
                    idleShared++;
                }
            }
            return idleCount + idleShared;
        });
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
