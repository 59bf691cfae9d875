package dev.wisp.transport;

/**
 * How often a connection alone on its carrier polls for its next request ({@link NextInput}): each poll that found
 * nothing doubles the waits that skip polling (1, 3, 7 ... up to {@value #MAX_SKIPPED}) and block at once instead,
 * and a poll that finds its request polls at every wait again. A peer whose requests come within the poll's time is
 * polled for each; one that sends every 100 µs, say (10,000 requests a second on one connection), would otherwise
 * cost the whole poll, in vain, on every request: 83 µs of CPU a request where Netty takes 30.
 *
 * <p>Not thread-safe, by design: an estimate kept for whichever connection waits alone on the carrier, which is one
 * at a time; a lost update only moves the next poll by a wait or two.
 */
final class PollBackoff {
    static final int MAX_SKIPPED = 63;

    private int misses;
    private int toSkip;

    /** Whether this wait polls; false counts one of the waits that skip it. */
    boolean shouldPoll() {
        if (toSkip > 0) {
            toSkip--;
            return false;
        }
        return true;
    }

    /** Notes how a poll ended: with input found, or with its time up and nothing. */
    void polled(boolean found) {
        if (found) {
            misses = 0;
            toSkip = 0;
        } else {
            misses = Math.min(misses + 1, Integer.numberOfTrailingZeros(MAX_SKIPPED + 1));
            toSkip = (1 << misses) - 1;
        }
    }
}
