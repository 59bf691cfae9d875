package dev.wisp.client.internal;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The places for streams on one HTTP/2 client connection: how many calls hold one (reserved, or open and not yet
 * released by their call), how many of those the server counts (RFC 9113 §5.1.2: a stream closed both ways no longer
 * counts, though its call has yet to read it), and whether the connection still takes new streams at all. One lock
 * decides all of it, so that no call gets a place on a connection retiring or closing as idle.
 *
 * <p>Thread-safe.
 */
final class Http2StreamSlots {
    private final ReentrantLock lock = new ReentrantLock();
    /** Places held by calls: reserved, or open and not yet released. */
    private int held;
    /** Streams of {@link #held} closed both ways on the wire, whose calls have yet to release them. */
    private final Set<Http2ClientStream> closedUnreleased = new HashSet<>();
    private long opened;
    /** Why the connection takes no new streams: GOAWAY, an error, idle, closing; null while it does. */
    private volatile String retired;
    private long idleSinceNanos = System.nanoTime();

    /**
     * Takes a place for a call if the server's limit allows and the connection takes new streams.
     *
     * @param limit the server's SETTINGS_MAX_CONCURRENT_STREAMS
     * @return false if the call must look elsewhere
     */
    boolean tryReserve(int limit) {
        lock.lock();
        try {
            if (!hasRoom(limit)) {
                return false;
            }
            held++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a call would get a place now ({@link #tryReserve}), taking none. */
    boolean hasRoom(int limit) {
        return room(limit) > 0;
    }

    /** How many calls would get a place now, one after another. */
    int room(int limit) {
        lock.lock();
        try {
            return retired == null ? Math.max(0, limit - (held - closedUnreleased.size())) : 0;
        } finally {
            lock.unlock();
        }
    }

    /** A reserved place became an open stream. */
    void opened() {
        lock.lock();
        try {
            opened++;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the connection carried a stream before. */
    boolean hasCarriedStreams() {
        return openedCount() > 0;
    }

    /** How many streams the connection opened. */
    long openedCount() {
        lock.lock();
        try {
            return opened;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A stream closed both ways before its call released it: its place is free for another call. The reading thread
     * that saw the end races the call that lets go of the stream, so whether it is still held is asked under this
     * lock: a stream counted here after its release would stay counted, and the connection would take a stream more
     * than the server allows, each time.
     *
     * @param unreleased whether the stream's call has yet to release it; a call removes its stream from where this
     *     looks before it calls {@link #release}
     * @return whether that freed a place now
     */
    boolean closedOnTheWire(Http2ClientStream stream, BooleanSupplier unreleased) {
        lock.lock();
        try {
            return unreleased.getAsBoolean() && closedUnreleased.add(stream);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives a call's place back (its stream, or null for a reservation never opened).
     *
     * @return whether the connection is now without streams and retired: the caller closes it
     */
    boolean release(Http2ClientStream stream) {
        lock.lock();
        try {
            closedUnreleased.remove(stream);
            held--;
            if (held == 0) {
                idleSinceNanos = System.nanoTime();
            }
            return held == 0 && retired != null;
        } finally {
            lock.unlock();
        }
    }

    /** Whether no place is held. */
    boolean isIdle() {
        lock.lock();
        try {
            return held == 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes no new streams from now on.
     *
     * @return whether this call retired the connection
     */
    boolean retire(String reason) {
        lock.lock();
        try {
            if (retired != null) {
                return false;
            }
            retired = reason;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Retires the connection if no place has been held for at least {@code idleNanos} (0: if none is held now).
     *
     * @return whether this call retired it
     */
    boolean retireIfIdleFor(long idleNanos, long nowNanos) {
        lock.lock();
        try {
            if (held > 0 || retired != null || nowNanos - idleSinceNanos < idleNanos) {
                return false;
            }
            retired = "idle";
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Why the connection takes no new streams, or null while it does. */
    String retired() {
        return retired;
    }
}
