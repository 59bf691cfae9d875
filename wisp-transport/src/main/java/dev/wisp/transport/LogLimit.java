package dev.wisp.transport;

import static java.lang.System.Logger.Level.WARNING;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a line of a lasting failure through at most once per interval: a full heap, a full descriptor table or a
 * broken selector fails every try, and a line per try would flood the log (and need memory of its own). Used by the
 * transport and the server, for their "logged again at most once a minute" warnings.
 *
 * <p>The texts of a warning are given when the limit is made, while memory is at hand: a string constant is made
 * on its first use, so one first used in a failure's handler, with the heap full, would fail that handler.
 *
 * <p>Thread-safe: of the threads that try at once, one gets the turn. A line that could not be logged (the heap was
 * full) gives its turn back, so the next failure tries again. Nothing here allocates but the line, so a check
 * costs nothing when memory is short.
 */
public final class LogLimit {
    private final long intervalNanos;
    /** What {@link #warn} logs before the failure's message, and after it. */
    private final String before;
    private final String after;
    /** When a line was last let through; as if a whole interval ago at first, so the first line goes out. */
    private final AtomicLong passedAt;

    /**
     * A limit of one line per {@code interval}, whose {@link #warn warning} is {@code before}, the failure's
     * message and {@code after}.
     */
    public LogLimit(Duration interval, String before, String after) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        intervalNanos = interval.toNanos();
        this.before = Objects.requireNonNull(before, "before");
        this.after = Objects.requireNonNull(after, "after");
        passedAt = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    /** A limit of one line a minute, for lines that the caller logs after {@link #take}. */
    public static LogLimit perMinute() {
        return perMinute("", "");
    }

    /** A limit of one warning a minute: {@code before}, the failure's message and {@code after}. */
    public static LogLimit perMinute(String before, String after) {
        return new LogLimit(Duration.ofMinutes(1), before, after);
    }

    /**
     * Takes the turn to log at {@code now} (a {@link System#nanoTime()}), if no line went out within the interval
     * before it and no other thread took this turn.
     *
     * @return true if the caller logs now
     */
    public boolean take(long now) {
        long last = passedAt.get();
        return now - last >= intervalNanos && passedAt.compareAndSet(last, now);
    }

    /** Gives back the turn taken at {@code now}: its line did not go out, so the next try may log. */
    public void giveBack(long now) {
        passedAt.compareAndSet(now, now - intervalNanos);
    }

    /**
     * Logs the warning of this limit's texts with the failure's message at WARNING, if the turn is free; the
     * message is made only then. A line that fails to go out (memory is short) gives the turn back.
     *
     * @return true if the line was logged
     */
    public boolean warn(System.Logger logger, Throwable failure) {
        long now = System.nanoTime();
        if (!take(now)) {
            return false;
        }
        try {
            // concat rather than +, whose call site the JVM links on first use: one link failed for want of memory
            // may fail for good, and this line is shared by every limit
            logger.log(WARNING, before.concat(String.valueOf(failure.getMessage())).concat(after));
            return true;
        } catch (RuntimeException | Error stillShort) {
            giveBack(now);
            return false;
        }
    }
}
