package dev.wisp.client.internal;

import static java.lang.System.Logger.Level.DEBUG;

import dev.wisp.client.ClientConfig;
import dev.wisp.http2.ConnectionException;
import dev.wisp.http2.ErrorCode;
import dev.wisp.transport.Transport;
import java.io.IOException;

/**
 * What the client's sweeper does for one HTTP/2 connection: it finds the connection dead when its server fails to
 * show it is there by the deadlines of {@link Http2Liveness} (our SETTINGS unacknowledged within connectTimeout,
 * §6.5.3; nothing within pongTimeout of a PING), or when its reading thread failed on an {@link Error} or is lost
 * (JDK 25 can leave a virtual thread woken as the heap fills runnable and never scheduled), and it sees that the
 * connection ends: it takes no new stream, the socket closes under the reading thread, which then fails the streams
 * as for any end of the connection; where that thread is what was found lost, a thread of the end fails them itself.
 *
 * <p>Threads: the sweeper calls {@link #sweep}, which never blocks (what may block runs on a thread of its own); the
 * reading thread reports its failure and asks, at its end, whether the connection was found dead and why; a call's
 * thread asks whether it was, before it sends a PING.
 */
final class Http2LivenessSweep implements ClientSweeper.Sweepable {
    private static final System.Logger LOG = System.getLogger(Http2LivenessSweep.class.getName());
    /** How long after the connection died its reading thread may take to end it before it counts as lost. */
    static final long READER_LOST_MILLIS = 5_000;
    /**
     * How long the reading thread may be out of a read of the socket while no frame arrives before it counts as lost:
     * handling a frame takes it microseconds, and it never waits for another writer; the server's connections give a
     * thread as long past its deadline.
     */
    static final long READER_AWAY_MILLIS = 5_000;
    /**
     * How long the reading thread may stay blocked in a read while the socket holds bytes for it before it counts as
     * lost. Shorter than {@link #READER_AWAY_MILLIS}: a read returns as soon as bytes come, and the sweeper's own late
     * wake-ups unpark a blocked read meanwhile should the JDK's poller be late or dead; a thread still there after two
     * seconds of that was never scheduled. At 5 s, the first call after a full heap, on a connection whose reader was
     * lost as the heap filled, waited out a read timeout of 5 s before the connection was found lost.
     */
    static final long READER_ASLEEP_MILLIS = 2_000;
    /** How often the sweeper asks whether the socket holds bytes that a blocked read has not taken. */
    private static final long UNREAD_CHECK_NANOS = 1_000_000_000L;

    /** What the sweep does to its connection. */
    interface Connection {
        /** Whether the connection has ended: its streams failed, its socket closed, its owner told. */
        boolean hasEnded();

        /** Whether the connection has ended or is ending. */
        boolean isClosed();

        /** Takes no new streams from now on. */
        void retire(String reason);

        /** What the calls get for a connection error of the server's. */
        IOException protocolError(ConnectionException error);

        /**
         * Closes a dead connection under its reading thread, first sending GOAWAY for a connection error if there is
         * one; may block on a write.
         */
        void closeDead(String reason, ConnectionException error);

        /** Ends the connection as its reading thread would, this side having ended it; may block. */
        void end(String reason, IOException streamsFailure);
    }

    private final Connection connection;
    private final Http2Liveness liveness;
    private final Transport transport;
    private final ClientConfig config;
    /** The connection's name, for threads and log lines. */
    private final String name;
    /** Why the connection was found dead (no SETTINGS ACK, nothing after a PING); null while it is not. */
    private volatile String deadReason;
    /** What its calls get then, if more than the connection's end: a connection error of the server's. */
    private volatile IOException deadFailure;
    /**
     * The {@link Error} (a full heap's, above all) that ended the reading thread before it could end the connection:
     * the sweeper ends it then ({@link #endForFailedReader}).
     */
    private volatile Error readerFailure;
    /** When the sweeper first saw the connection {@link #die dead}, or 0; the sweeper's only. */
    private long diedAtNanos;
    /** When the sweeper last asked whether a blocked read leaves bytes unread; the sweeper's only. */
    private long unreadCheckedNanos = System.nanoTime();
    /**
     * Since when every such check found the reading thread blocked in a read while the socket held bytes, or 0; the
     * sweeper's only.
     */
    private long unreadSinceNanos;

    Http2LivenessSweep(Connection connection, Http2Liveness liveness, Transport transport, ClientConfig config,
            String name) {
        this.connection = connection;
        this.liveness = liveness;
        this.transport = transport;
        this.config = config;
        this.name = name;
    }

    /** The reading thread ended on an {@link Error} before it could end the connection: the next sweep ends it. */
    void readerFailed(Error failure) {
        readerFailure = failure;
    }

    /** Whether the connection was found dead: it takes no new stream, and is ending. */
    boolean isDead() {
        return deadReason != null;
    }

    /** Why the connection was found dead; null while it is not. */
    String deadReason() {
        return deadReason;
    }

    /** What its calls get, if more than the connection's end: a connection error of the server's; or null. */
    IOException deadFailure() {
        return deadFailure;
    }

    /** Ends the connection if it is found dead or its reading thread failed; on the sweeper's thread: never blocks. */
    @Override
    public void sweep(long nowNanos) {
        Error failure = readerFailure;
        if (failure != null) {
            endForFailedReader(failure);
        } else if (deadReason != null) {
            endIfReaderLost(nowNanos);
        } else if (liveness.isSettingsAckOverdue(nowNanos)) {
            die("the server did not acknowledge our SETTINGS within connectTimeout ("
                    + config.connectTimeout().toMillis() + " ms)", new ConnectionException(ErrorCode.SETTINGS_TIMEOUT,
                    "SETTINGS not acknowledged within " + config.connectTimeout().toMillis()
                            + " ms (RFC 9113 §6.5.3)"));
        } else if (liveness.isPongOverdue(nowNanos)) {
            die("the server sent nothing within pongTimeout (" + config.pongTimeout().toMillis()
                    + " ms) of a PING: the connection is dead", null);
        } else if (isReaderAway(nowNanos)) {
            dieWithoutReader("its reading thread was out of a read for " + READER_AWAY_MILLIS
                    + " ms while no frame arrived: lost");
        } else if (isReaderAsleep(nowNanos)) {
            dieWithoutReader("its reading thread stayed blocked in a read for " + READER_ASLEEP_MILLIS
                    + " ms while the socket held bytes and no frame arrived: lost");
        }
    }

    /**
     * Whether the reading thread is lost, though it did not end: out of a read of the socket for long, in no wait of
     * its own. JDK 25 can leave a virtual thread that is woken as the heap fills runnable and never scheduled; seen
     * after memory came back, the reading thread woken from a wait for a stream's lock: the connection took new
     * streams whose responses nobody read, each call waiting its read timeout, and pongTimeout more for the PING.
     * A write blocked on the socket may be the reading thread's own (an acknowledgement, when no other writer held
     * the output) on a server that stopped reading for a while: that wait is the write timeout's to judge.
     */
    private boolean isReaderAway(long nowNanos) {
        return !connection.hasEnded() && !transport.isReadBlocked() && !transport.isWriteBlocked()
                && liveness.isSilentFor(READER_AWAY_MILLIS * 1_000_000L, nowNanos);
    }

    /**
     * Whether the reading thread is lost inside its read: blocked there, though the socket has held bytes for it at
     * every check, once a second, for {@link #READER_ASLEEP_MILLIS}, and no frame arrived meanwhile. A read returns as
     * soon as bytes come, so its thread was never scheduled since: JDK 25 can leave a virtual thread woken as the
     * heap fills runnable for good (the calls on the connection then each waited out their read timeout, and the
     * PING those sent was never read either). One {@code FIONREAD} a second, only while the connection is silent.
     */
    private boolean isReaderAsleep(long nowNanos) {
        if (nowNanos - unreadCheckedNanos < UNREAD_CHECK_NANOS) {
            return false;
        }
        unreadCheckedNanos = nowNanos;
        if (connection.hasEnded() || !transport.isReadBlocked()
                || !liveness.isSilentFor(UNREAD_CHECK_NANOS, nowNanos) || !transport.holdsUnreadBytes()) {
            unreadSinceNanos = 0;
            return false;
        }
        if (unreadSinceNanos == 0) {
            unreadSinceNanos = nowNanos;
            return false;
        }
        return nowNanos - unreadSinceNanos >= READER_ASLEEP_MILLIS * 1_000_000L;
    }

    /**
     * Ends the connection whose reading thread failed, on a thread of its own (the end may wait for a writer): its
     * streams fail, the pool counts it out. Without memory for that thread or for the end, the next sweep tries again.
     */
    private void endForFailedReader(Error failure) {
        readerFailure = null;
        try {
            startEndThread(() -> {
                try {
                    connection.end("its reading thread failed: " + failure, null);
                } catch (RuntimeException | Error e) {
                    readerFailure = failure;
                }
            });
        } catch (RuntimeException | Error e) {
            readerFailure = failure;
        }
    }

    /**
     * Ends a connection that {@link #die died} if its reading thread has not ended it {@value #READER_LOST_MILLIS}
     * ms later, which the socket's close makes it do at once otherwise: JDK 25 can leave a virtual thread woken as
     * the heap fills runnable and never scheduled, and the streams' calls would then wait for their own timeouts
     * and the pool would count the connection in. The end runs on a thread of its own, and again after as long
     * should it fail.
     */
    private void endIfReaderLost(long nowNanos) {
        if (connection.hasEnded()) {
            return;
        }
        if (diedAtNanos == 0) {
            diedAtNanos = nowNanos | 1;
        } else if (nowNanos - diedAtNanos > READER_LOST_MILLIS * 1_000_000L) {
            diedAtNanos = nowNanos | 1;
            String reason = deadReason + "; its reading thread did not end";
            IOException streamsFailure = deadFailure;
            try {
                startEndThread(() -> connection.end(reason, streamsFailure));
            } catch (RuntimeException | Error e) {
                // no thread to spare yet: tried again after as long
            }
        }
    }

    /** Runs a part of the connection's end on a thread of its own; throws if memory is short for one. */
    private void startEndThread(Runnable task) {
        Thread.ofVirtual().name("wisp-h2-end-" + name).start(task);
    }

    /**
     * Ends a connection whose server is gone or broke §6.5.3: it takes no new stream from now on, and on a thread of
     * its own (a write to a vanished server may block) GOAWAY goes out for a connection error, the pool counts the
     * connection out, and the socket closes under the reading thread, which fails the streams.
     */
    private void die(String reason, ConnectionException error) {
        if (markDead(reason, error)) {
            startEndThread(() -> connection.closeDead(reason, error));
        }
    }

    /**
     * Ends a connection whose reading thread is lost, on a platform thread of its own: the end {@link #die} leaves to
     * that thread, its streams failed at once. Waiting {@value #READER_LOST_MILLIS} ms more for a thread known lost
     * kept the calls on the connection waiting out their read timeouts; failed now, before any of their responses
     * began, an idempotent call goes once more on a new connection, as on any reused connection that ended. A
     * platform thread, as the scheduler that lost one virtual thread may be short of carriers for another.
     */
    private void dieWithoutReader(String reason) {
        if (markDead(reason, null)) {
            Thread.ofPlatform().name("wisp-h2-end-" + name).daemon().start(() -> connection.end(reason, null));
        }
    }

    /**
     * Marks the connection dead unless it is already, or closed: it takes no new stream from now on.
     *
     * @return whether this call marked it, and ends it
     */
    private boolean markDead(String reason, ConnectionException error) {
        if (deadReason != null || connection.isClosed()) {
            return false;
        }
        deadFailure = error == null ? null : connection.protocolError(error);
        deadReason = reason;
        connection.retire(reason);
        LOG.log(DEBUG, () -> "[" + name + "] " + reason);
        return true;
    }
}
