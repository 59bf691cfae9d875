package dev.wisp.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LogLimit} of one line a minute that counts what happened between two lines, for a line that says how many
 * times (connections refused, requests answered 429): each occurrence is counted, and the one that gets the turn
 * takes the count since the last line.
 *
 * <p>Thread-safe; nothing here allocates, so counting costs nothing when memory is short.
 */
public final class CountingLogLimit {
    private final LogLimit limit = LogLimit.perMinute();
    /** Occurrences not yet told of. */
    private final AtomicLong count = new AtomicLong();

    /**
     * Counts one occurrence at {@code now} (a {@link System#nanoTime()}).
     *
     * @return how many there were since the last line, this one included, if the caller logs now; 0 if it does not
     */
    public long count(long now) {
        long counted = count.incrementAndGet();
        if (!limit.take(now)) {
            return 0;
        }
        count.addAndGet(-counted);
        return counted;
    }

    /** Gives back the turn {@link #count} gave at {@code now}, with its count: the line did not go out. */
    public void giveBack(long now, long counted) {
        count.addAndGet(counted);
        limit.giveBack(now);
    }
}
