package dev.wisp.bench.client;

import dev.wisp.bench.load.ProcessCpu;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client benchmark's driver: one JVM per library and round, started by {@code client.sh}. Three tests, each a
 * warm-up then a measured window of the same work:
 * <ol>
 *   <li>{@code sequential}: one thread sends GETs for the small body one after the other, so the pool reuses one
 *       keep-alive connection;</li>
 *   <li>{@code concurrent}: CONCURRENCY virtual threads do the same at once over the pool;</li>
 *   <li>{@code large}: one thread downloads the large file again and again, each body read to its end.</li>
 * </ol>
 * Every library is called the same way, through its blocking API on virtual threads (see {@link LoadClient}),
 * so the figures compare the libraries and not two styles of calling them. A window ends after its seconds or
 * {@link #MAX_REQUESTS}; a worker stops at its first failure, which is counted and its message printed to
 * standard error.
 *
 * <p>Usage: {@code ClientLoad CLIENT SMALL_URL LARGE_URL WARMUP_SECONDS SECONDS CONCURRENCY [PROTOCOL]}, CLIENT
 * one of {@code wisp okhttp jdk jetty apache}, PROTOCOL {@code http/1.1} (the default: plaintext URLs) or {@code h2}
 * (HTTPS URLs, HTTP/2 chosen by ALPN; Apache HttpClient 5's classic API has no HTTP/2). Every response is checked
 * to have come over PROTOCOL ({@link LoadProtocol}); one that did not fails its worker. Prints one line per test to
 * standard output (a benchmark tool's output): {@code TEST requests=N bytes=B nanos=T cpu_ticks=C errors=E
 * protocol=P}, where {@code cpu_ticks} is this process's user + system time over the window, from
 * {@code /proc/self/stat}, and {@code P} the protocol every counted response came over.
 */
public final class ClientLoad {
    static final int MAX_CONNECTIONS = 64;
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long MAX_REQUESTS = 100_000_000;
    private static final int SCRATCH_BYTES = 16 * 1024;

    private ClientLoad() {
    }

    /** What one window did. */
    private record Window(long requests, long bytes, long nanos, long cpuTicks, long errors) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6 && args.length != 7) {
            throw new IllegalArgumentException(
                    "usage: ClientLoad CLIENT SMALL_URL LARGE_URL WARMUP_SECONDS SECONDS CONCURRENCY [PROTOCOL]");
        }
        URI small = URI.create(args[1]);
        URI large = URI.create(args[2]);
        long warmup = Long.parseLong(args[3]);
        long seconds = Long.parseLong(args[4]);
        int concurrency = Integer.parseInt(args[5]);
        LoadProtocol protocol = args.length == 7 ? LoadProtocol.of(args[6]) : LoadProtocol.HTTP_1_1;
        try (LoadClient client = create(args[0], protocol)) {
            test("sequential", client, small, 1, warmup, seconds, protocol);
            test("concurrent", client, small, concurrency, warmup, seconds, protocol);
            test("large", client, large, 1, warmup, seconds, protocol);
        }
    }

    static LoadClient create(String name, LoadProtocol protocol) throws Exception {
        if (name.equals("apache") && protocol == LoadProtocol.H2) {
            throw new IllegalArgumentException("Apache HttpClient 5's classic API has no HTTP/2");
        }
        return switch (name) {
            case "wisp" -> new WispLoadClient(protocol);
            case "okhttp" -> new OkHttpLoadClient(protocol);
            case "jdk" -> new JdkLoadClient(protocol);
            case "jetty" -> new JettyLoadClient(protocol);
            case "apache" -> new ApacheLoadClient();
            default -> throw new IllegalArgumentException(
                    "unknown client '" + name + "' (known: wisp okhttp jdk jetty apache)");
        };
    }

    private static void test(String name, LoadClient client, URI uri, int workers, long warmup, long seconds,
            LoadProtocol protocol) throws Exception {
        run(client, uri, workers, warmup);
        Window window = run(client, uri, workers, seconds);
        System.out.printf(Locale.ROOT, "%s requests=%d bytes=%d nanos=%d cpu_ticks=%d errors=%d protocol=%s%n",
                name, window.requests(), window.bytes(), window.nanos(), window.cpuTicks(), window.errors(),
                protocol.id());
        System.out.flush();
    }

    /** Runs {@code workers} virtual threads sending GETs until the window closes, then waits for them. */
    private static Window run(LoadClient client, URI uri, int workers, long seconds) throws Exception {
        AtomicLong requests = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long cpuBefore = ProcessCpu.ticks();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            threads.add(Thread.ofVirtual().name("load-" + i).start(() -> {
                byte[] scratch = new byte[SCRATCH_BYTES];
                try {
                    while (System.nanoTime() < deadline && requests.get() < MAX_REQUESTS) {
                        bytes.addAndGet(client.get(uri, scratch));
                        requests.incrementAndGet();
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    System.err.println("GET " + uri + " failed: " + e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long nanos = System.nanoTime() - start;
        return new Window(requests.get(), bytes.get(), nanos, ProcessCpu.ticks() - cpuBefore, errors.get());
    }
}
