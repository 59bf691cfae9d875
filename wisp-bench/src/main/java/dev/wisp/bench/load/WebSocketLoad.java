package dev.wisp.bench.load;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.wisp.client.Client;
import dev.wisp.client.ClientConfig;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebSocket benchmark's load client, started by {@code websocket.sh} once per server and round. Three tests,
 * each on connections of its own, a warm-up then a measured window:
 * <ol>
 *   <li>{@code small1}: one connection sends a SMALL_BYTES text message and waits for its echo, again and
 *       again;</li>
 *   <li>{@code small64}: CONNECTIONS connections do the same at once;</li>
 *   <li>{@code large}: LARGE_CONNECTIONS connections do the same with LARGE_BYTES binary messages.</li>
 * </ol>
 * It runs on Wisp's client: one virtual thread per connection doing {@code sendText}/{@code sendBinary} then a
 * blocking {@code receive()}, with no copy or callback between the socket and the check of the echo, which is
 * what keeps the client cheaper than the servers it loads. Every echo is checked (text equal, binary of the same
 * length and the same first and last bytes); a connection stops at its first failure, which is counted and its
 * message printed to standard error. An echo that never comes (seen with Java-WebSocket 1.6 on a busy machine,
 * with the JDK's client too) fails the connection {@link #STALL_LIMIT} after the window closed.
 *
 * <p>Usage: {@code WebSocketLoad URL WARMUP_SECONDS SECONDS CONNECTIONS SMALL_BYTES LARGE_CONNECTIONS
 * LARGE_BYTES [SERVER_PID]}. Prints one line per test to standard output (a benchmark tool's output):
 * {@code TEST connections=C round_trips=N bytes=B nanos=T p50_us=X p99_us=Y cpu_ticks=U server_cpu_ticks=S
 * errors=E}, where {@code bytes} is the payload echoed (one way), {@code cpu_ticks} this process's CPU time over the
 * window (from {@code /proc/self/stat}), which tells whether the client kept up: well below the window, it did;
 * and {@code server_cpu_ticks} the server's over the same window, read from its {@code /proc} entry when its PID is
 * given (-1 otherwise): the figure that compares servers when the client sets the pace.
 */
public final class WebSocketLoad {
    private static final int MAX_KEPT_TIMES = 4_000_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** An echo still missing this long after its window closed is taken as lost (a server can drop one). */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final Client client;
    private final String url;
    private final WebSocketConfig config;
    /** The server's PID, whose CPU time each window reads; 0 for none. */
    private final long serverPid;

    private WebSocketLoad(String url, int maxMessageBytes, long serverPid) {
        this.url = url;
        this.serverPid = serverPid;
        this.client = Client.create(ClientConfig.builder()
                .connectTimeout(TIMEOUT)
                .readTimeout(TIMEOUT)
                .writeTimeout(TIMEOUT)
                .build());
        this.config = WebSocketConfig.builder()
                .maxMessageBytes(maxMessageBytes)
                .maxFrameBytes(maxMessageBytes)
                .permessageDeflate(false)
                .closeTimeout(CLOSE_TIMEOUT)
                .build();
    }

    /** What one measured window did. */
    private record Window(int connections, long roundTrips, long bytes, long nanos, double p50, double p99,
            long cpuTicks, long serverCpuTicks, long errors) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 7 && args.length != 8) {
            throw new IllegalArgumentException("usage: WebSocketLoad URL WARMUP_SECONDS SECONDS CONNECTIONS"
                    + " SMALL_BYTES LARGE_CONNECTIONS LARGE_BYTES [SERVER_PID]");
        }
        long warmup = Long.parseLong(args[1]);
        long seconds = Long.parseLong(args[2]);
        int connections = Integer.parseInt(args[3]);
        int smallBytes = Integer.parseInt(args[4]);
        int largeConnections = Integer.parseInt(args[5]);
        int largeBytes = Integer.parseInt(args[6]);
        long serverPid = args.length == 8 ? Long.parseLong(args[7]) : 0;
        WebSocketLoad load = new WebSocketLoad(args[0], Math.max(smallBytes, largeBytes), serverPid);
        try (load.client) {
            load.test("small1", 1, text(smallBytes), warmup, seconds);
            load.test("small64", connections, text(smallBytes), warmup, seconds);
            load.test("large", largeConnections, binary(largeBytes), warmup, seconds);
        }
    }

    private static WebSocketMessage text(int length) {
        return new WebSocketMessage.Text("x".repeat(length));
    }

    private static WebSocketMessage binary(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) i;
        }
        return new WebSocketMessage.Binary(bytes);
    }

    private void test(String name, int connections, WebSocketMessage message, long warmup, long seconds)
            throws Exception {
        List<WebSocket> webSockets = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                webSockets.add(client.webSocket(url, config));
            }
            run(webSockets, message, warmup);
            // A connection the warm-up lost (its failure is on standard error) is replaced: the window measures
            // the server's steady state, and a loss there fails the test.
            for (int i = 0; i < connections; i++) {
                if (!webSockets.get(i).isOpen()) {
                    webSockets.set(i, client.webSocket(url, config));
                }
            }
            Window window = run(webSockets, message, seconds);
            System.out.printf(Locale.ROOT, "%s connections=%d round_trips=%d bytes=%d nanos=%d p50_us=%.1f"
                    + " p99_us=%.1f cpu_ticks=%d server_cpu_ticks=%d errors=%d%n", name, window.connections(),
                    window.roundTrips(), window.bytes(), window.nanos(), window.p50(), window.p99(), window.cpuTicks(),
                    window.serverCpuTicks(), window.errors());
            System.out.flush();
        } finally {
            closeAll(webSockets);
        }
    }

    /** One virtual thread per connection sends and awaits echoes until the window closes. */
    private Window run(List<WebSocket> webSockets, WebSocketMessage message, long seconds)
            throws InterruptedException, IOException {
        AtomicLong errors = new AtomicLong();
        long cpuBefore = ProcessCpu.ticks();
        long serverCpuBefore = serverCpuTicks();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        List<RoundTrips> times = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (WebSocket webSocket : webSockets) {
            RoundTrips roundTrips = new RoundTrips(MAX_KEPT_TIMES / webSockets.size());
            times.add(roundTrips);
            threads.add(Thread.ofVirtual().name("echo-" + threads.size()).start(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        long sent = System.nanoTime();
                        int length = echo(webSocket, message);
                        roundTrips.record(System.nanoTime() - sent, length);
                    }
                } catch (IOException | RuntimeException e) {
                    errors.incrementAndGet();
                    System.err.println("echo failed: " + e);
                }
            }));
        }
        long nanos = awaitEnd(threads, webSockets, deadline, errors) - start;
        double[] percentiles = RoundTrips.percentilesMicros(times, 50, 99);
        return new Window(webSockets.size(), times.stream().mapToLong(RoundTrips::count).sum(),
                times.stream().mapToLong(RoundTrips::bytes).sum(), nanos, percentiles[0], percentiles[1],
                ProcessCpu.ticks() - cpuBefore, serverPid == 0 ? -1 : serverCpuTicks() - serverCpuBefore,
                errors.get());
    }

    private long serverCpuTicks() throws IOException {
        return serverPid == 0 ? 0 : ProcessCpu.ticks(serverPid);
    }

    /**
     * Waits for every connection's thread to finish its last round trip and returns when the last did. One whose
     * echo has not come {@link #STALL_LIMIT} after the window closed counts as failed, and its connection is
     * closed so that its thread ends.
     */
    private static long awaitEnd(List<Thread> threads, List<WebSocket> webSockets, long deadline, AtomicLong errors)
            throws InterruptedException {
        long end = System.nanoTime();
        for (int i = 0; i < threads.size(); i++) {
            long left = deadline + STALL_LIMIT.toNanos() - System.nanoTime();
            if (!threads.get(i).join(Duration.ofNanos(Math.max(1, left)))) {
                errors.incrementAndGet();
                System.err.println("echo failed: no echo within " + STALL_LIMIT.toSeconds() + " s");
                closeQuietly(webSockets.get(i));
                threads.get(i).join(CLOSE_TIMEOUT.multipliedBy(2));
            }
            end = System.nanoTime();
        }
        return end;
    }

    /** Sends the message, receives its echo and checks it; returns the payload length. */
    private static int echo(WebSocket webSocket, WebSocketMessage message) throws IOException {
        switch (message) {
            case WebSocketMessage.Text text -> webSocket.sendText(text.text());
            case WebSocketMessage.Binary binary -> webSocket.sendBinary(binary.bytes());
        }
        Optional<WebSocketMessage> echo = webSocket.receive();
        if (echo.isEmpty()) {
            throw new IOException("the server closed the connection");
        }
        return switch (message) {
            case WebSocketMessage.Text text when echo.get() instanceof WebSocketMessage.Text back
                    && back.text().equals(text.text()) -> text.text().length();
            case WebSocketMessage.Binary binary when echo.get() instanceof WebSocketMessage.Binary back
                    && sameEnds(back.bytes(), binary.bytes()) -> binary.bytes().length;
            default -> throw new IOException("the echo differs from the message sent: " + describe(echo.get()));
        };
    }

    private static boolean sameEnds(byte[] received, byte[] sent) {
        return received.length == sent.length
                && (sent.length == 0 || received[0] == sent[0] && received[sent.length - 1] == sent[sent.length - 1]);
    }

    private static String describe(WebSocketMessage message) {
        return switch (message) {
            case WebSocketMessage.Text text -> "text of " + text.text().getBytes(UTF_8).length + " bytes";
            case WebSocketMessage.Binary binary -> "binary of " + binary.bytes().length + " bytes "
                    + Arrays.toString(Arrays.copyOf(binary.bytes(), Math.min(8, binary.bytes().length)));
        };
    }

    /** Closes every connection at once, each waiting at most {@link #CLOSE_TIMEOUT} for the server's answer. */
    private static void closeAll(List<WebSocket> webSockets) throws InterruptedException {
        List<Thread> closers = new ArrayList<>();
        for (WebSocket webSocket : webSockets) {
            closers.add(Thread.ofVirtual().start(() -> closeQuietly(webSocket)));
        }
        for (Thread closer : closers) {
            closer.join(CLOSE_TIMEOUT.multipliedBy(2));
        }
    }

    private static void closeQuietly(WebSocket webSocket) {
        try {
            webSocket.close();
        } catch (IOException | RuntimeException e) {
            // The test is over; a connection that fails to close cleanly changes no figure.
        }
    }
}
