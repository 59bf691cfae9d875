package dev.wisp.bench.load;

import java.util.Arrays;
import java.util.List;

/**
 * The round-trip times of one connection in a measured window, kept up to a fixed number so that a long window
 * cannot exhaust the heap; later ones are counted but not kept. Used by one thread, then read after it ended.
 */
final class RoundTrips {
    private final long[] nanos;
    private int kept;
    private long count;
    private long bytes;

    RoundTrips(int capacity) {
        nanos = new long[capacity];
    }

    void record(long roundTripNanos, int messageBytes) {
        if (kept < nanos.length) {
            nanos[kept++] = roundTripNanos;
        }
        count++;
        bytes += messageBytes;
    }

    long count() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    /** The given percentiles (0-100) of every connection's kept times together, in microseconds. */
    static double[] percentilesMicros(List<RoundTrips> connections, double... percentiles) {
        long[] all = new long[connections.stream().mapToInt(c -> c.kept).sum()];
        int at = 0;
        for (RoundTrips connection : connections) {
            System.arraycopy(connection.nanos, 0, all, at, connection.kept);
            at += connection.kept;
        }
        Arrays.sort(all);
        double[] micros = new double[percentiles.length];
        for (int i = 0; i < percentiles.length && all.length > 0; i++) {
            int index = (int) Math.min(all.length - 1, Math.ceil(percentiles[i] / 100 * all.length) - 1);
            micros[i] = all[Math.max(0, index)] / 1_000.0;
        }
        return micros;
    }
}
