package dev.wisp.bench.load;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An HTTP/1.1 load generator for one URL over keep-alive connections, in two modes:
 * <ul>
 *   <li><b>fixed rate</b> ({@code --rate R}, requests per second in all): requests are due at evenly spaced
 *       times, dealt to the connections in turn; a request whose connection is still busy waits for it, and
 *       every latency counts from the time the request was <em>due</em>, not sent. A server that stalls is
 *       charged for every request it held up, as wrk2 does, so the percentiles are free of coordinated
 *       omission;</li>
 *   <li><b>closed loop</b> ({@code --rate 0}): each connection sends its next request as soon as the response
 *       to the last one has arrived, as wrk does.</li>
 * </ul>
 * Both modes also report how evenly the server served its connections (requests per connection, and each
 * connection's worst latency): a server that starves some connections shows it there even when the overall
 * percentiles look fine.
 *
 * <p>Usage: {@code RateLoad HOST PORT PATH [--connections N] [--rate R] [--warmup S] [--duration S]}. The
 * response must carry {@code Content-Length} (the bench peers' does). Everything runs on one thread with one
 * selector; within a millisecond of the next due request it polls without sleeping, so it takes a whole core,
 * which the harness gives it. The run stops by itself after warm-up plus duration, or after the duration if a
 * server stops answering (requests still unanswered at the end count as latency up to the end). Every answer that
 * arrives in the measured window counts, whenever its request was due.
 *
 * <p>Prints one line: {@code rate=… requests=… p50_ms=… p90_ms=… p99_ms=… p999_ms=… max_ms=… errors=…
 * conn_requests_min=… conn_requests_max=… conn_worst_ms_median=… conn_worst_ms_max=… max_at=…
 * generator_pause_ms=…}. {@code max_at} is when the worst answer came (UTC), to find its stall in the server's own
 * records; the last is the generator's own longest pause in the measured window (its loop came round that much later
 * than it should have): a latency at least that long is the load generator's, or the machine's, not only the
 * server's.
 */
public final class RateLoad {
    private static final int MAX_QUEUED_PER_CONNECTION = 1 << 16;
    /** How long each call of the warm-up runs the loop; see {@link #run}. */
    private static final long WARMUP_SLICE_NANOS = 1_000_000;
    /** Requests per second a closed loop is sized for (its recorder grows past it, with a copy, if ever needed). */
    private static final int CLOSED_LOOP_RATE_BOUND = 600_000;
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(US_ASCII);

    private final InetSocketAddress address;
    private final byte[] request;
    private final int connections;
    private final double rate;
    private final long warmupNanos;
    private final long durationNanos;

    private RateLoad(InetSocketAddress address, String host, String path, int connections, double rate,
            long warmupNanos, long durationNanos) {
        this.address = address;
        this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(US_ASCII);
        this.connections = connections;
        this.rate = rate;
        this.warmupNanos = warmupNanos;
        this.durationNanos = durationNanos;
    }

    public static void main(String[] args) throws IOException {
        Options options = Options.parse(args, 3,
                "RateLoad HOST PORT PATH [--connections N] [--rate R] [--warmup S] [--duration S]",
                "--connections", "--rate", "--warmup", "--duration");
        int connections = options.getInt("--connections", 64);
        double rate = options.getDouble("--rate", 0);
        double warmup = options.getDouble("--warmup", 5);
        double duration = options.getDouble("--duration", 15);
        RateLoad load = new RateLoad(new InetSocketAddress(args[0], Integer.parseInt(args[1])), args[0], args[2],
                connections, rate, (long) (warmup * 1e9), (long) (duration * 1e9));
        load.run(System.out);
    }

    private void run(PrintStream out) throws IOException {
        try (Selector selector = Selector.open()) {
            Connection[] all = new Connection[connections];
            for (int i = 0; i < connections; i++) {
                SocketChannel channel = SocketChannel.open(address);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
                all[i] = new Connection(channel, request);
                channel.register(selector, SelectionKey.OP_READ, all[i]);
            }
            // Sized for the whole window at once: an array that grew as it filled was copied while the load ran, a
            // stall (tens of ms for millions of latencies) that was charged to the server.
            long window = Math.max(warmupNanos, durationNanos) / 1_000_000_000L + 1;
            Recorder recorder = new Recorder((long) (rate > 0 ? rate : CLOSED_LOOP_RATE_BOUND) * window);
            long start = System.nanoTime();
            long measureFrom = start + warmupNanos;
            Pump pump = new Pump(selector, all, recorder, start, measureFrom + durationNanos);
            if (rate <= 0) {
                for (Connection connection : all) {
                    connection.enqueue(start);
                    connection.sendIfIdle();
                }
            }
            // The warm-up runs the very loop that measures, and what it records is then dropped. A loop that began
            // to record only at the window's start took a branch there that its compiled form had never seen: the
            // JIT dropped that code (an uncommon trap) and the loop ran interpreted until recompiled, a stall that
            // would be charged to the server. The warm-up calls the loop a slice at a time, so that the JIT compiles
            // the method itself: run in one call, only its loop was compiled (on the stack, for that call), and the
            // measuring call began interpreted, 10 ms of stalls at the window's start.
            for (long now = start; now - measureFrom < 0; now = System.nanoTime()) {
                pump.runUntil(now + WARMUP_SLICE_NANOS - measureFrom < 0 ? now + WARMUP_SLICE_NANOS : measureFrom);
            }
            recorder.restart(all);
            pump.longestPauseNanos = 0;
            pump.runUntil(pump.end);
            long stoppedAt = System.nanoTime();
            for (Connection connection : all) {
                connection.chargeUnanswered(recorder, stoppedAt);
                connection.channel.close();
            }
            out.println(recorder.summary(all, Math.min(durationNanos, stoppedAt - measureFrom))
                    + String.format(" generator_pause_ms=%.3f", pump.longestPauseNanos / 1e6));
        }
    }

    /** The selector loop: deals requests that are due, reads responses and records their latencies. */
    private final class Pump {
        final Selector selector;
        final Connection[] all;
        final Recorder recorder;
        /** When the run ends: no request is due or sent after it. */
        final long end;
        final long intervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
        long due;
        long dealt;
        /** When the loop should next come round: now, or the end of the wait it asked its selection for. */
        long backBy;
        /**
         * The longest the loop came round later than {@link #backBy} in the measured window: a pause of the generator
         * itself (its process descheduled, or the machine stalled), charged to the server as latency all the same.
         */
        long longestPauseNanos;

        final Consumer<SelectionKey> onReady = this::ready;

        Pump(Selector selector, Connection[] all, Recorder recorder, long start, long end) {
            this.selector = selector;
            this.all = all;
            this.recorder = recorder;
            this.due = start;
            this.end = end;
            this.backBy = start;
        }

        void runUntil(long until) throws IOException {
            while (true) {
                long now = System.nanoTime();
                longestPauseNanos = Math.max(longestPauseNanos, now - backBy);
                if (now - until >= 0) {
                    backBy = now;
                    return;
                }
                if (rate > 0) {
                    while (due - now <= 0 && due - end < 0) {
                        Connection connection = all[(int) (dealt++ % connections)];
                        connection.enqueue(due);
                        connection.sendIfIdle();
                        due += intervalNanos;
                    }
                }
                long waitNanos = rate > 0 ? due - System.nanoTime() : TimeUnit.MILLISECONDS.toNanos(10);
                // Ready keys handed to a consumer made once: a selected-key set and its iterator allocate on every
                // selection, and the garbage collections they cause pause the generator, which counts as latency.
                if (waitNanos > 1_500_000) {
                    long waitMillis = Math.max(1, waitNanos / 1_000_000 - 1);
                    backBy = System.nanoTime() + waitMillis * 1_000_000;
                    selector.select(onReady, waitMillis);
                } else {
                    backBy = System.nanoTime();
                    selector.selectNow(onReady);
                }
            }
        }

        private void ready(SelectionKey key) {
            long now = System.nanoTime();
            Connection connection = (Connection) key.attachment();
            long answeredDue;
            try {
                while ((answeredDue = connection.readResponse(now)) != Connection.NONE) {
                    if (answeredDue == Connection.FAILED) {
                        recorder.error();
                        key.cancel();
                        break;
                    }
                    recorder.record(connection, now - answeredDue);
                    if (rate <= 0 && now - end < 0) {
                        connection.enqueue(now);
                    }
                    connection.sendIfIdle();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One keep-alive connection: the due times of its queued requests, and the response being read. */
    private static final class Connection {
        static final long NONE = Long.MIN_VALUE;
        static final long FAILED = Long.MIN_VALUE + 1;

        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long[] queue = new long[64];
        int head;
        int size;
        boolean inFlight;
        /** Requests recorded in the measured window: answered, or charged unanswered at the end. */
        long recorded;
        long worstNanos;

        /** The request, wrapped once and rewound for each send. */
        final ByteBuffer out;

        Connection(SocketChannel channel, byte[] request) {
            this.channel = channel;
            this.out = ByteBuffer.wrap(request);
        }

        void enqueue(long dueNanos) {
            if (size == queue.length) {
                if (size == MAX_QUEUED_PER_CONNECTION) {
                    return; // the server is far behind; later requests are charged at the end instead
                }
                long[] grown = new long[queue.length * 2];
                for (int i = 0; i < size; i++) {
                    grown[i] = queue[(head + i) % queue.length];
                }
                queue = grown;
                head = 0;
            }
            queue[(head + size++) % queue.length] = dueNanos;
        }

        void sendIfIdle() throws IOException {
            if (inFlight || size == 0 || !channel.isOpen()) {
                return;
            }
            out.rewind();
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    Thread.onSpinWait(); // a 40-byte request into an empty socket buffer; never long
                }
            }
            inFlight = true;
        }

        /** Reads; returns the due time of the request whose response completed, NONE, or FAILED. */
        long readResponse(long now) {
            try {
                int complete = completeResponseLength();
                if (complete < 0) {
                    int n = channel.read(in);
                    if (n < 0) {
                        return FAILED;
                    }
                    complete = completeResponseLength();
                    if (complete < 0) {
                        return NONE;
                    }
                }
                in.flip();
                in.position(complete);
                in.compact();
                long dueNanos = queue[head];
                head = (head + 1) % queue.length;
                size--;
                inFlight = false;
                return dueNanos;
            } catch (IOException e) {
                return FAILED;
            }
        }

        /** The length of the complete response at the start of the buffer, or -1 if it has not all arrived. */
        private int completeResponseLength() {
            if (!inFlight) {
                return -1;
            }
            byte[] bytes = in.array();
            int limit = in.position();
            for (int i = 3; i < limit; i++) {
                if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                    int body = contentLength(bytes, i);
                    return limit >= i + 1 + body ? i + 1 + body : -1;
                }
            }
            return -1;
        }

        /**
         * The Content-Length of the head in {@code bytes[0, end)}, or 0 if it has none; read in place, since this
         * runs for every response and the generator must not become the bottleneck.
         */
        private static int contentLength(byte[] bytes, int end) {
            for (int line = 0; line < end; ) {
                int next = line;
                while (next < end && bytes[next] != '\n') {
                    next++;
                }
                if (startsWithIgnoringCase(bytes, line, next, CONTENT_LENGTH)) {
                    int value = 0;
                    for (int i = line + CONTENT_LENGTH.length; i < next; i++) {
                        if (bytes[i] >= '0' && bytes[i] <= '9') {
                            value = value * 10 + bytes[i] - '0';
                        }
                    }
                    return value;
                }
                line = next + 1;
            }
            return 0;
        }

        private static boolean startsWithIgnoringCase(byte[] bytes, int from, int to, byte[] prefix) {
            if (to - from < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (Character.toLowerCase(bytes[from + i]) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        void chargeUnanswered(Recorder recorder, long stoppedAt) {
            for (int i = 0; i < size; i++) {
                long dueNanos = queue[(head + i) % queue.length];
                if (stoppedAt - dueNanos > 0) {
                    recorder.record(this, stoppedAt - dueNanos);
                }
            }
        }
    }

    /** Latencies of the measured window, kept whole and sorted at the end. */
    private static final class Recorder {
        long[] latencies;
        int count;
        long errors;
        /** The worst latency so far and when its answer came (wall clock), to find the stall in a server's log. */
        long maxNanos;
        long maxAtMillis;

        Recorder(long expected) {
            latencies = new long[(int) Math.min(Math.max(expected, 1024), 50_000_000)];
        }

        /** Forgets what was recorded so far: the warm-up's answers. */
        void restart(Connection[] connections) {
            count = 0;
            maxNanos = 0;
            for (Connection connection : connections) {
                connection.recorded = 0;
                connection.worstNanos = 0;
            }
        }

        void record(Connection connection, long nanos) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[count++] = nanos;
            connection.recorded++;
            connection.worstNanos = Math.max(connection.worstNanos, nanos);
            if (nanos > maxNanos) {
                maxNanos = nanos;
                maxAtMillis = System.currentTimeMillis();
            }
        }

        void error() {
            errors++;
        }

        String summary(Connection[] connections, long windowNanos) {
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            long[] perConnection = Arrays.stream(connections).mapToLong(c -> c.recorded).sorted().toArray();
            long[] worst = Arrays.stream(connections).mapToLong(c -> c.worstNanos).sorted().toArray();
            return String.format("rate=%.0f requests=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f"
                            + " max_ms=%.3f errors=%d conn_requests_min=%d conn_requests_max=%d"
                            + " conn_worst_ms_median=%.3f conn_worst_ms_max=%.3f max_at=%s",
                    count / (windowNanos / 1e9), count, ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99),
                    ms(sorted, 0.999), ms(sorted, 1.0), errors, perConnection[0],
                    perConnection[perConnection.length - 1], worst[worst.length / 2] / 1e6,
                    worst[worst.length - 1] / 1e6, Instant.ofEpochMilli(maxAtMillis));
        }

        private static double ms(long[] sorted, double quantile) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1e6;
        }
    }
}
