package dev.wisp.server.internal;

import java.util.ArrayDeque;

/**
 * The ids of the last streams of a connection that something happened to (reset by us, closed), for telling a late
 * frame of such a stream (§5.4.2: the client may send before it sees our reset) from a frame that breaks the rules.
 * Bounded: the oldest id is forgotten past the capacity.
 *
 * <p>Thread-safe.
 */
final class RecentStreamIds {
    private final int capacity;
    /** Small at first, growing up to the capacity: an idle connection keeps it, mostly with an id or two. */
    private final ArrayDeque<Integer> ids = new ArrayDeque<>(2);

    RecentStreamIds(int capacity) {
        this.capacity = capacity;
    }

    synchronized void remember(int id) {
        if (ids.size() == capacity) {
            ids.removeFirst();
        }
        ids.addLast(id);
    }

    synchronized boolean contains(int id) {
        return ids.contains(id);
    }
}
