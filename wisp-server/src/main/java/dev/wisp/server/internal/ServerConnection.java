package dev.wisp.server.internal;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.Headers;
import dev.wisp.core.Status;
import dev.wisp.server.ConnectionInfo;
import dev.wisp.server.ConnectionProtocol;
import dev.wisp.server.HttpService;
import dev.wisp.server.RefusedRequest;
import dev.wisp.tls.TlsContext;
import dev.wisp.tls.TlsSessionInfo;
import dev.wisp.transport.BusyThreads;
import dev.wisp.transport.InputWatcher;
import dev.wisp.transport.LogLimit;
import dev.wisp.transport.Transport;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One accepted connection as the listener, the {@link ConnectionRegistry} and the sweeper see it, whatever
 * protocol it speaks: its transport, whether it is idle (and since when), and the ways other threads end it
 * ({@link #evict()}, {@link #drain()}, {@link #abort(String)}, {@link #expireIfLate(long)}). A protocol extends
 * it with {@link #run()}, which serves the connection on its thread, and reports its state through
 * {@link #enterIdle(long)} and {@link #leaveIdle()}.
 *
 * <p>Its fields are kept few on purpose: an idle connection's footprint is a headline number. Over 500 lines: the
 * ways a connection ends (its close, an abort, an eviction, a drain, an orphan reclaimed) all turn on its one state
 * field, which only this class changes.
 *
 * <p>Thread-safety: the protocol's thread (one at a time) runs {@link #run()}; the methods that end a connection
 * may be called from any thread and end a blocked read or write by shutting the input or closing the transport.
 */
abstract class ServerConnection implements Runnable {
    /** How long a new connection is kept from eviction while its first request may be on its way. */
    static final long FRESH_GRACE_NANOS = 1_000_000_000L;
    private static final System.Logger LOG = System.getLogger(ServerConnection.class.getName());
    private static final VarHandle STATE;
    private static final int BUSY = 0;
    private static final int IDLE = 1;
    private static final int CLOSING = 2;
    /** Evicted, its slot given back; its reading side has yet to take up the lingering close ({@link #evict}). */
    private static final int EVICTED = 3;
    /** Evicted; its reading side reads and drops what the peer still sends, then closes ({@link EvictedLinger}). */
    private static final int LINGERING = 4;
    /**
     * How long after a deadline ended a read or write its thread may still be blocked there before it counts as lost
     * ({@link #isLost}).
     */
    private static final long LOST_AFTER_NANOS = 5_000_000_000L;
    /** The states' names, by value, for {@link #describe}. */
    private static final String[] STATE_NAMES = {"busy", "idle", "closing", "evicted", "lingering"};
    /** The lines that tell of connections left behind ({@link #warnLeftBehind}). */
    private static final LogLimit LEFT_BEHIND_LINES = LogLimit.perMinute();
    /** Why an evicted connection closes, however it ends. */
    static final String EVICTED_REASON = "evicted to make room (least recently used)";

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ServerConnection.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ServerContext context;
    final Transport transport;
    private final long id;
    private final long openedAtMillis;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;
    private volatile long idleSinceNanos;
    volatile boolean draining;
    private volatile boolean timedOut;
    /** Whether the read that {@link #timedOut} ended was ended to shed load, not by its deadline. */
    private volatile boolean shed;
    /** The transport's progress as the last look while shedding load found it ({@link #shedIfStalled}). */
    private long progressSeen = -1;
    private volatile String closeReason;
    /** Set by {@link #abort}. */
    private volatile boolean aborted;
    /** The connection's current thread, for {@link #abort(String)} to interrupt. */
    private volatile Thread thread;
    /** The TLS session, once its handshake is done; null for plaintext. */
    private final TlsSessionInfo tlsSession;
    /** Whether the listener heard of the opening: only then does it hear of the closing. */
    private boolean announced;
    /** How many threads have taken the connection up ({@link #onThisThread}), for {@link #isResumeLost}. */
    private volatile int threadsTaken;
    /**
     * Since when the sweeper has seen the connection with no thread and out of the input watcher, with no thread
     * taking it up meanwhile ({@link #threadsTaken} as it was then); 0 while it has not. The sweeper's own.
     */
    private long threadlessSinceNanos;
    private int threadsTakenThen;
    /** Links in the registry's list of open connections; guarded by the registry's list lock. */
    ServerConnection previous;
    ServerConnection next;
    boolean linked;
    /** The client whose place this connection takes, for maxConnectionsPerClient; null without that limit. */
    ClientConnections.Client client;

    ServerConnection(ServerContext context, Transport transport, long id) {
        this.context = context;
        this.transport = transport;
        this.id = id;
        this.openedAtMillis = System.currentTimeMillis();
        this.tlsSession = null;
        if (context.config().shedLoadUnderHeapPressure()) {
            transport.shedUnderHeapPressure(true);
        }
    }

    /**
     * Takes over the transport and identity of a connection that hands itself to this protocol (after a TLS
     * handshake, or an upgrade); {@link ConnectionRegistry#replace} then puts this one in its place.
     *
     * @param tlsSession the TLS session if the handover follows the handshake, else null to keep the previous
     */
    ServerConnection(ServerConnection previous, TlsSessionInfo tlsSession) {
        this.context = previous.context;
        this.transport = previous.transport;
        this.id = previous.id;
        this.openedAtMillis = previous.openedAtMillis;
        this.tlsSession = tlsSession != null ? tlsSession : previous.tlsSession;
        this.announced = previous.announced;
        this.thread = previous.thread;
    }

    /** The protocol this connection speaks, for {@link ConnectionInfo}. */
    abstract ConnectionProtocol protocol();

    /** The WebSockets open on this connection now: one on a switched HTTP/1.1 connection, any on HTTP/2 streams. */
    int openWebSockets() {
        return 0;
    }

    /** Gives back whatever buffers the protocol holds; called once, when the connection has closed. */
    abstract void releaseBuffers();

    final long id() {
        return id;
    }

    /** Records the running thread, for {@link #abort(String)}; call first thing on every thread that serves. */
    final void onThisThread() {
        thread = Thread.currentThread();
        threadsTaken++; // one thread at a time serves
    }

    /**
     * Forgets the thread that served: the connection goes on waiting without one (see {@link InputWatcher}), and
     * an ended thread's objects should not stay with it.
     */
    final void offThread() {
        thread = null;
    }

    /**
     * Hands the wait for the peer's next bytes to the server's input watcher, which runs {@code resume} on a fresh
     * thread when they come (or the connection closes); this thread must then leave the connection alone.
     *
     * @return false if the watcher cannot take it (not started, stopped, or input is buffered): wait here
     */
    final boolean waitWithoutThread(Runnable resume) {
        InputWatcher watcher = context.inputWatcher();
        if (watcher == null && !transport.isOnCarrierLoop()) {
            return false;
        }
        offThread();
        if (transport.isOnCarrierLoop() ? transport.watchOnCarrierLoop(resume) : watcher.watch(transport, resume)) {
            if ((int) STATE.getVolatile(this) == EVICTED) {
                transport.expireWatch(); // an eviction that came as this wait began found no wait to end
            }
            return true;
        }
        onThisThread();
        return false;
    }

    /**
     * For the connection's thread to call after each exchange or message: under load, it passes on the wake-ups of
     * the threads waiting behind it, connections that woke from idle among them (see {@link BusyThreads}). On a
     * carrier loop there are none to pass on: the loop's own selection wakes its threads, and no JDK poller is late.
     *
     * @return the {@link System#nanoTime()} read here, or on a loop the loop's clock
     *     ({@link dev.wisp.transport.Transport#clockNanos})
     */
    final long exchangeEnded() {
        return transport.isOnCarrierLoop() ? transport.clockNanos() : BusyThreads.exchangeEnded();
    }

    /**
     * Marks the connection idle from now on, so the registry may evict it, and wakes an accept thread waiting
     * for room.
     *
     * @param nowNanos the {@link System#nanoTime()} the caller has just read
     * @return false if the server is stopping and the connection should close instead of waiting
     */
    final boolean enterIdle(long nowNanos) {
        idleSinceNanos = nowNanos;
        STATE.setVolatile(this, IDLE);
        context.registry().becameIdle();
        return !draining;
    }

    /**
     * Marks the connection busy again after an idle wait.
     *
     * @return null if it may go on, else the reason another thread closed it meanwhile
     */
    final String leaveIdle() {
        if (!STATE.compareAndSet(this, IDLE, BUSY)) {
            String reason = closeReason;
            return reason != null ? reason : "closed";
        }
        return null;
    }

    final boolean isIdle() {
        return (int) STATE.getVolatile(this) == IDLE;
    }

    /**
     * Whether the connection was evicted to linger before it closes ({@link #evict}): it takes no new work, and its
     * slot went back to the registry already.
     */
    final boolean isEvicted() {
        return (int) STATE.getVolatile(this) >= EVICTED;
    }

    final long idleSinceNanos() {
        return idleSinceNanos;
    }

    /**
     * Whether the registry may evict the connection, idle since {@link #idleSinceNanos()}, to make room: by default
     * always; a protocol keeps a new connection whose first request may be on its way, for {@link #FRESH_GRACE_NANOS}.
     */
    boolean mayBeEvicted(long nowNanos) {
        return true;
    }

    final boolean isDraining() {
        return draining;
    }

    /** Whether a read deadline passed and the sweeper shut the input. */
    final boolean isTimedOut() {
        return timedOut;
    }

    /** Whether the read the sweeper ended was ended to shed load while the heap is nearly full. */
    final boolean isShed() {
        return shed;
    }

    /** Why another thread ended the connection, or null if none did. */
    final String forcedCloseReason() {
        return closeReason;
    }

    /**
     * Ends a read whose deadline has passed by shutting the input; the protocol answers as it sees fit (HTTP/1.1
     * with 408 for a head or body, a close without a word when idle; HTTP/2 with GOAWAY). Ends a write whose
     * deadline has passed by closing the connection, since a shut input would not end it.
     *
     * @return whether the connection is left behind, its read deadline passed with no thread to serve it, or a
     *     deadline long past with its thread still blocked where the deadline should have woken it: the caller
     *     then calls {@link #reclaim()}, outside the registry's locks
     */
    final boolean expireIfLate(long nowNanos) {
        long deadline = transport.readDeadlineNanos();
        boolean leftBehind = false;
        if (deadline != 0 && nowNanos - deadline > 0) {
            if (!timedOut) {
                endRead("timeout"); // should its watch's end fail for want of memory, a later tick ends it (below)
            } else if (transport.isWatched()) {
                // Still waiting in the input watcher a tick after its deadline ended the wait: a wait that began
                // after the input was shut, or whose ending was lost for want of memory. Ended again, until it is.
                transport.expireWatch();
            } else {
                // Its thread still blocked in the read the deadline ended, or no thread took up the wait's end.
                leftBehind = isOrphaned()
                        || isLost(nowNanos - deadline, transport.isReadBlocked() || thread == null);
            }
        } else if (deadline == 0 && (isNeverServed() || isOrphaned() || isResumeLost(nowNanos))) {
            leftBehind = true; // no deadline would ever end it: a thread that died between reads, or never ran
        }
        long writeDeadline = transport.writeDeadlineNanos();
        if (writeDeadline != 0 && nowNanos - writeDeadline > 0) {
            abort("write timeout");
            leftBehind |= isLost(nowNanos - writeDeadline, transport.isWriteBlocked());
        }
        sweep(nowNanos);
        return leftBehind;
    }

    /**
     * While the server sheds load ({@link ServerContext#shedsLoad()}), on the sweeper's thread: ends the connection if
     * it made no progress since the sweeper's last look, with a read or write waiting meanwhile (an idle wait too).
     * A read is ended as a deadline ends it, and the protocol answers as it sees fit (HTTP/1.1 with 503 for a head
     * begun); a write by closing the connection. Allocates nothing.
     */
    final void shedIfStalled() {
        long progress = transport.progress();
        boolean writing = transport.isWriteBlocked();
        boolean waiting = writing || transport.isReadBlocked() || transport.isWatched();
        if (waiting && progress == progressSeen && !timedOut && mayBeShed()) {
            if (writing) {
                abort("load shed: the heap is nearly full");
            } else {
                shed = true;
                endRead("load shed: the heap is nearly full");
            }
        }
        progressSeen = progress;
    }

    /**
     * Since when the connection has been reading a request head ({@link System#nanoTime()}), or 0 while it is not:
     * for the registry, which ends the slowest such head to make room when the server is full and no connection is
     * idle ({@link #endSlowRead}). Never, by default.
     */
    long headSinceNanos() {
        return 0;
    }

    /**
     * Since when the connection has waited for a request body that comes slower than {@link SlowClients} allows
     * ({@link System#nanoTime()}), or 0 if it does not: for the registry, which ends the longest such read to make
     * room when the server is full, none is idle and no head is slow. Never, by default.
     */
    long slowBodySinceNanos(long nowNanos) {
        return 0;
    }

    /**
     * Ends this connection's streams whose clients are slow ({@link SlowClients}: a request body slower than a trickle,
     * a response the client gives no room to), as their timeouts would: for a server out of places for streams. None,
     * by default: a protocol without streams ends a slow client through {@link #slowBodySinceNanos} and the registry's
     * other looks.
     */
    void endSlowStreams(long nowNanos) {
    }

    /**
     * Since when the write under way has waited for the client to read ({@link System#nanoTime()}), or 0 if none
     * waits: the transport arms a write's deadline, {@code writeTimeout} ahead, when a slice of it must wait.
     */
    final long writeWaitingSinceNanos() {
        long deadline = transport.writeDeadlineNanos();
        return deadline == 0 || !transport.isWriteBlocked() ? 0
                : deadline - context.config().writeTimeout().toNanos();
    }

    /**
     * Ends a write that has waited too long for the client to read, to make room: the connection closes, as at its
     * write timeout. A client that reads its response a few bytes at a time (a slow read) would otherwise hold its
     * place for {@code writeTimeout} per slice of the response.
     */
    final void endSlowWrite() {
        abort("write too slow (ended to make room)");
    }

    /**
     * Ends the read of a request head or body that has gone on too long, as its deadline would (HTTP/1.1 answers
     * 408): a client that sends its head a byte at a time (a slowloris), or its body (a slow POST), within
     * {@code maxConnections} would otherwise hold its place until the header timeout, or a read timeout per byte, and
     * enough of them the whole server.
     */
    void endSlowRead() {
        if (!timedOut) {
            endRead("read too slow (ended to make room)");
        }
    }

    /**
     * Ends a request body that comes too slowly ({@link #slowBodySinceNanos}) to make room, and the connection after
     * it: as {@link #endSlowRead}, by default.
     */
    void endSlowBody() {
        endSlowRead();
    }

    /**
     * Ends the read under way, as a passed deadline does, to shed load or to make room: the thread that the shut input
     * wakes finds it timed out.
     */
    private void endRead(String reasonIfNoShut) {
        timedOut = true; // first: the thread that the shut input wakes asks whether it timed out
        try {
            transport.shutdownInput();
        } catch (IOException e) {
            abort(reasonIfNoShut);
        }
        transport.expireWatch();
    }

    /**
     * Whether the connection may be closed to shed load when it makes no progress ({@link #shedIfStalled}): by
     * default always; a protocol that bounds what its clients make it hold by other means may keep busy connections.
     */
    boolean mayBeShed() {
        return true;
    }

    /**
     * Whether the connection's thread is lost: still blocked in the read or write whose deadline passed this long
     * ago, although the sweeper ended that call then (shut the input, closed the socket), which returns as soon
     * as the thread runs. The JDK can lose a virtual thread for good: on JDK 25 a timed park that meets a full
     * heap as it parks (its timer cannot be made) is never scheduled again, whatever unparks it. A thread kept
     * from every carrier that long (handlers that compute and never block) looks the same, and is treated alike:
     * its connection had timed out.
     */
    private static boolean isLost(long sinceDeadlineNanos, boolean stillBlocked) {
        return stillBlocked && sinceDeadlineNanos > LOST_AFTER_NANOS;
    }

    /**
     * Whether no thread has served the connection {@link #LOST_AFTER_NANOS} after it was accepted: the thread
     * started for it never ran, lost as {@link #isLost} tells, or kept from every carrier that long. It has no
     * deadline yet (its thread sets the first), so nothing else would ever end it.
     */
    private boolean isNeverServed() {
        return thread == null && !announced
                && System.currentTimeMillis() - openedAtMillis > LOST_AFTER_NANOS / 1_000_000;
    }

    /**
     * Whether the input watcher ended the connection's wait without a deadline (a WebSocket's, an HTTP/2
     * connection's without an idle timeout) {@link #LOST_AFTER_NANOS} ago and no thread has taken it up since: the
     * thread started for it lost as {@link #isLost} tells, or never started. Nothing else would ever end it (seen: a
     * WebSocket after a full heap, on carrier loops, counted open for good after its peer had gone). A thread takes a
     * woken connection up within microseconds, so two looks of the sweeper that find it without one, with no thread
     * counted between them, are one wait that no thread ended.
     */
    private boolean isResumeLost(long nowNanos) {
        int state = (int) STATE.getVolatile(this);
        if (thread != null || !announced || transport.isWatched() || state != BUSY && state != IDLE) {
            threadlessSinceNanos = 0;
            return false;
        }
        int taken = threadsTaken;
        if (threadlessSinceNanos == 0 || taken != threadsTakenThen) {
            threadlessSinceNanos = nowNanos | 1;
            threadsTakenThen = taken;
            return false;
        }
        return nowNanos - threadlessSinceNanos > LOST_AFTER_NANOS;
    }

    /** The connection's state as the sweeper sees it, for {@link ConnectionRegistry#describe}. */
    final String describe(long nowNanos) {
        Thread last = thread;
        long deadline = transport.readDeadlineNanos();
        return "c" + id + " " + getClass().getSimpleName() + " state=" + STATE_NAMES[(int) STATE.getVolatile(this)]
                + " thread=" + (last == null ? "none" : last.getState())
                + " readDeadline=" + (deadline == 0 ? "none" : (deadline - nowNanos) / 1_000_000 + "ms")
                + " watched=" + transport.isWatched() + " readBlocked=" + transport.isReadBlocked()
                + " timedOut=" + timedOut + " announced=" + announced;
    }

    /**
     * Runs the protocol's own timers on the sweeper's thread, every tick (a WebSocket's idle pings, dead-peer and
     * closing timeouts); nothing for HTTP/1.1, whose timeouts are all read and write deadlines. Must not block.
     */
    void sweep(long nowNanos) {
    }

    /**
     * Whether no thread will ever serve the connection again: the thread that served it last has ended, and no
     * wait of the input watcher will start another. A thread always closes its connection, hands it to the watcher
     * or to the next protocol before it ends (forgetting itself as the connection's thread); one that did not died
     * of an error that even the close could not survive (a full heap fails whatever allocates next, the log line of
     * an uncaught error included).
     */
    private boolean isOrphaned() {
        Thread last = thread;
        return last != null && last.getState() == Thread.State.TERMINATED && !transport.isWatched();
    }

    /**
     * Frees what a connection left behind holds ({@link #expireIfLate}), on the sweeper's thread: it would stay
     * open and counted for good. Nothing is written (the sweeper must not block). An orphan's thread has ended,
     * so everything goes. Otherwise a thread may still come (a lost one that runs again after all, one kept from
     * the carriers until now), so the buffers stay for it to use and give back, and it closes the connection as any
     * thread does, its place already freed. A descriptor with a call blocked on it stays open until that call ends
     * (the JDK closes a channel only then), but the peer is told the connection ended.
     */
    final void reclaim() {
        markClosing();
        if (isOrphaned()) {
            warnLeftBehind("its thread ended without closing it; closed");
            releaseResources(false);
            LostThreads.logUnlogged();
            return;
        }
        if (thread == null) {
            warnLeftBehind("no thread served it for " + LOST_AFTER_NANOS / 1_000_000_000
                    + " s (one that could not start, or that the JVM lost for want of memory); closed");
        } else {
            warnLeftBehind("its thread did not come back from a wait that its deadline ended "
                    + LOST_AFTER_NANOS / 1_000_000_000 + " s before; closed");
        }
        context.registry().remove(this); // first, so that a peer told of the close finds its place free
        closeTransport(); // which shuts the output first: the JDK's close waits for the thread's blocked call to end
    }

    /**
     * Ends the connection if it is idle; called by the registry, under its lock, to make room. Where the protocol
     * {@link #closesIdleGracefully()} and the registry lets it linger, the connection gives its slot back at once,
     * says it leaves in its protocol's words ({@link #sayLeaving()}) and half-closes, on a thread of its own, as
     * the writes may wait; its reading side, woken from the input watcher or at its next frame, then reads and
     * drops what the peer still sends until the peer closes ({@link #lingerEvicted()}). Else it closes at once.
     *
     * @param mayLinger whether the registry has room for one more evicted connection that lingers
     * @return false if it is not idle (any more)
     */
    final boolean evict(boolean mayLinger) {
        if (!mayLinger || !closesIdleGracefully()) {
            return closeIfIdle(EVICTED_REASON);
        }
        if (!STATE.compareAndSet(this, IDLE, EVICTED)) {
            return false;
        }
        try {
            context.startThread(() -> {
                sayLeaving();
                LingeringClose.halfClose(this);
            });
        } catch (RuntimeException | OutOfMemoryError e) {
            abort(EVICTED_REASON);
        }
        transport.expireWatch(); // also retried by a wait that begins meanwhile, see waitWithoutThread
        return true;
    }

    /**
     * Tells the peer, in the protocol's words, that the connection goes away (HTTP/2's GOAWAY), on a thread of its
     * own: it may wait for the output. Nothing by default.
     */
    void sayLeaving() {
    }

    /**
     * Ends an evicted connection on its reading thread, in place of reading on: reads and drops what the peer still
     * sends until its end or {@code lingerTimeout}, then closes; see {@link EvictedLinger}.
     */
    final void lingerEvicted() {
        STATE.setVolatile(this, LINGERING);
        new EvictedLinger(this).run();
    }

    /** Closes the connection if idle, else lets it finish its work and close. */
    final void drain() {
        draining = true;
        if (closesIdleGracefully() || !closeIfIdle("server stopping")) {
            drainBusy();
        }
    }

    /**
     * Whether an idle connection that another thread ends (a stop, an eviction) takes its leave as a busy one does,
     * its protocol's goodbye first and a lingering close, rather than closing at once: where the peer sends frames
     * unasked (HTTP/2's WINDOW_UPDATE for what it reads), closing with some unread makes the kernel reset the
     * connection under responses the peer has yet to read.
     */
    boolean closesIdleGracefully() {
        return false;
    }

    /**
     * Tells a busy connection that the server stops, in its protocol's words; called under the registry's list
     * lock, so it must not block. Nothing for HTTP/1.1: its connection closes after the exchange in progress, and
     * says so with {@code Connection: close}. A WebSocket, always busy, sends 1001 going away.
     */
    void drainBusy() {
    }

    /**
     * Closes the socket whatever the connection is doing. Closing ends a read or write on it; the interrupt ends
     * a handler blocked on anything else (a lock, a queue, a slow call), which would otherwise hold stop() up.
     */
    final void abort(String reason) {
        closeReason = reason;
        aborted = true;
        markClosing();
        closeTransport();
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
        interruptHandlers();
    }

    /**
     * Interrupts the handlers that run on threads of their own (HTTP/2's streams), as {@link #abort} interrupts the
     * connection's thread, which runs an HTTP/1.1 handler. Nothing by default.
     */
    void interruptHandlers() {
    }

    /** Whether the connection was {@linkplain #abort aborted}: closed whatever it did, as when a stop's grace ended. */
    final boolean isAborted() {
        return aborted;
    }

    /**
     * Tells the service's filters of a request refused before it could reach them, for an access log's line. Nothing
     * is made of it (the line, the connection's description) when no filter is there to be told.
     *
     * @param requestLine what arrived of the request line, made only if a filter is told
     * @param startNanos when the request began ({@link System#nanoTime()})
     */
    final void tellRefused(HttpService service, Supplier<String> requestLine, Headers headers, Status status,
            long contentBytes, long startNanos) {
        if (!service.filters().isEmpty()) {
            service.refused(new RefusedRequest(info(), requestLine.get(), headers, status, contentBytes,
                    System.nanoTime() - startNanos));
        }
    }

    /**
     * Marks the connection closing, unless it was evicted to linger: that state stays, as it tells the registry that
     * the connection's slot went back already.
     */
    private void markClosing() {
        int current;
        do {
            current = (int) STATE.getVolatile(this);
            if (current >= EVICTED) {
                return;
            }
        } while (!STATE.compareAndSet(this, current, CLOSING));
    }

    private boolean closeIfIdle(String reason) {
        if (STATE.compareAndSet(this, IDLE, CLOSING)) {
            closeReason = reason;
            sayClosingIdle();
            closeTransport();
            return true;
        }
        return false;
    }

    /**
     * Tells the peer, in the protocol's words, that an idle connection closes (HTTP/2's GOAWAY); nothing by
     * default. Called by another thread, under the registry's list lock, once no thread of the connection may use
     * it: it must not block, so it writes only if the write cannot wait.
     */
    void sayClosingIdle() {
    }

    /** Tells the connection listener the connection is open, unless it was told before a handover. */
    final void announceOpened() {
        if (announced) {
            return;
        }
        announced = true;
        ConnectionInfo info = info();
        notifyListener(() -> context.config().connectionListener().opened(info));
    }

    /** Tells the connection listener that this connection took over another's after a 101. */
    final void announceSwitched() {
        if (announced) {
            ConnectionInfo info = info();
            notifyListener(() -> context.config().connectionListener().switched(info));
        }
    }

    /**
     * Closes the connection for this reason, gives its slot back and tells the connection listener. Called on the
     * connection's thread. The output is shut first, so a TLS peer gets its close_notify; that write is bounded by
     * the write deadline like any other.
     */
    final void close(String reason) {
        markClosing();
        ConnectionInfo info = announced ? infoIfMemory() : null; // before the socket closes: its local address
        releaseResources(true);
        try {
            LOG.log(DEBUG, () -> "[c" + id + "] closed: " + reason);
            if (announced) {
                ConnectionInfo closed = info != null ? info : info();
                notifyListener(() -> context.config().connectionListener().closed(closed, reason));
            }
        } catch (RuntimeException | Error e) {
            // Short of memory (a full heap fails an allocation, or the first link of a lambda or a string
            // concatenation as a linkage error): the listener goes untold of this close.
        }
    }

    /**
     * What a close must do whatever fails: the socket closed, the buffers back in their pools, the place in the
     * registry freed. Each step is tried even if one before it failed, for want of memory above all: a full heap
     * fails whatever allocates next, and a connection left counted or open would be lost for good.
     */
    private void releaseResources(boolean shutOutputFirst) {
        if (shutOutputFirst) {
            try {
                transport.shutdownOutput();
            } catch (IOException | RuntimeException | Error e) {
                debugQuietly("shutting the output failed: ", e); // the close below ends the output anyway
            }
        }
        closeTransport();
        try {
            releaseBuffers();
            transport.releaseBuffers();
            TlsContext tls = context.tls();
            if (tls != null) {
                transport.tlsSession().ifPresent(tls::connectionClosed);
            }
        } catch (RuntimeException | Error e) {
            logQuietly(WARNING, "releasing its buffers failed", e);
        } finally {
            context.registry().remove(this);
        }
    }

    /**
     * Says why a failure ends the connection: for an I/O error, the reason another thread closed it, if one
     * did; a bug (any other throwable) is logged as an error. Never fails, so that the close that follows comes:
     * short of memory, it says so in a constant.
     */
    final String failureReason(Throwable e) {
        try {
            if (e instanceof IOException) {
                String forced = closeReason;
                LOG.log(DEBUG, () -> "[c" + id + "] " + e);
                return forced != null ? forced : "I/O error: " + e.getMessage();
            }
            if (e instanceof OutOfMemoryError) {
                OutOfMemory.failed(e);
                return OutOfMemory.REASON;
            }
            LOG.log(ERROR, "[c" + id + "] connection failed", e);
            return "internal error: " + e;
        } catch (RuntimeException | Error stillShort) {
            return OutOfMemory.REASON;
        }
    }

    /** Builds the connection's description; not kept, since an idle connection should hold little. */
    ConnectionInfo info() {
        InetSocketAddress local = transport.localAddress().orElse(context.localAddress());
        InetSocketAddress remote = transport.remoteAddress();
        if (remote.isUnresolved()) {
            remote = UnixSocketFile.LOCAL_PEER; // a Unix domain socket's peer, which has no address
        }
        return new ConnectionInfo(id, remote, local, Instant.ofEpochMilli(openedAtMillis),
                protocol(), Optional.ofNullable(tlsSession));
    }

    private void closeTransport() {
        try {
            transport.close();
        } catch (IOException e) {
            debugQuietly("close failed: ", e);
        } catch (RuntimeException | Error e) {
            try {
                transport.close(); // short of memory: once more, after whatever the failure freed
            } catch (IOException | RuntimeException | Error again) {
                logQuietly(WARNING, "closing its socket failed", again);
            }
        }
    }

    /** Infos are made for the listener, which may be told less when memory is short; null then. */
    private ConnectionInfo infoIfMemory() {
        try {
            return info();
        } catch (RuntimeException | Error e) {
            return null;
        }
    }

    /**
     * Logs a line about this connection on a path that runs when memory may be short: the line is made inside,
     * so that its failure (a full heap fails an allocation, or the first link of a string concatenation as a
     * linkage error) loses the line and nothing else.
     */
    private void logQuietly(System.Logger.Level level, String what, Throwable e) {
        try {
            LOG.log(level, "[c" + id + "] " + what, e);
        } catch (RuntimeException | Error stillShort) {
            // a line lost; what matters, the close, is done
        }
    }

    /**
     * Tells of a connection left behind ({@link #reclaim()}), once a minute at most: a full heap may leave many, each
     * of which would be a line.
     */
    private void warnLeftBehind(String what) {
        long now = System.nanoTime();
        if (!LEFT_BEHIND_LINES.take(now)) {
            return;
        }
        try {
            LOG.log(WARNING, "[c" + id + "] " + what + " (logged again at most once a minute)");
        } catch (RuntimeException | Error stillShort) {
            LEFT_BEHIND_LINES.giveBack(now); // a line lost: the next one may go out
        }
    }

    private void debugQuietly(String what, Throwable e) {
        try {
            if (LOG.isLoggable(DEBUG)) {
                LOG.log(DEBUG, "[c" + id + "] " + what + e);
            }
        } catch (RuntimeException | Error stillShort) {
            // a line lost
        }
    }

    private void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | Error e) {
            logQuietly(WARNING, "connection listener failed", e);
        }
    }
}
