package dev.wisp.client;

import dev.wisp.testing.HeapFiller;
import dev.wisp.tls.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A client in a JVM of its own ({@link ChildClient}), with a small heap, started by {@link ClientMemoryExhaustionIT},
 * that fills its heap on command while calls are under way, or with its threads limited, by
 * {@link ClientThreadExhaustionIT}. Its arguments: the URL of a large body, the URL of a small one, the most
 * connections per origin, how many calls to arm, {@code http2} for HTTP/2 ({@link Http2Mode#PRIOR_KNOWLEDGE}: h2c in
 * plaintext, h2 by ALPN over TLS) or {@code http1} for HTTP/1.1 alone, and for https: URLs the PEM file of the CA to
 * trust; {@code -Dwisp.test.priority=N} gives its sockets that priority (native sockets). Commands are
 * single bytes on standard input, read and (when the heap may be full) answered without allocating:
 * <ul>
 *   <li>{@code c}: makes the {@link Client}; answers {@code client made}.</li>
 *   <li>{@code b} and {@code s}: one call for the large or the small body; answers {@code status CODE LENGTH} (of the
 *       body read) or {@code error TYPE: MESSAGE}.</li>
 *   <li>{@code a}: starts the platform threads that each make one call for the large body once fired, reading it
 *       whole; answers {@code armed}.</li>
 *   <li>{@code f}: fills the heap until not even a small array fits, and holds it ({@code F}); {@code x}: fires the
 *       armed calls ({@code X}); {@code r}: lets the heap go ({@code R}); {@code w}: waits up to 30 s
 *       for the calls to end ({@code W}, or {@code H} for calls still under way). While the heap is full the test
 *       sends nothing but {@code r}: even a thread that only waits may need memory (to deoptimize a compiled
 *       frame, say).</li>
 *   <li>{@code o}: how the armed calls ended: {@code ok N io N error N other N running N}.</li>
 *   <li>{@code n}: the client's connections, {@code open N idle N} (idle: carrying no call).</li>
 *   <li>{@code v}: as many calls for the small body as there are calls to arm, at once, each on a virtual thread of
 *       its own; answers how each ended, as {@code s} does, joined by {@code " | "}.</li>
 * </ul>
 * The end of its input stops it.
 */
public final class LowMemoryClient {
    private static final HeapFiller HEAP = new HeapFiller();
    /** The sockets' priority ({@code -Dwisp.test.priority}): native sockets rather than the JDK's channels. */
    private static final Integer PRIORITY = Integer.getInteger("wisp.test.priority");
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int RUNNING = 0;
    private static final int OK = 1;
    private static final int IO = 2;
    private static final int ERROR = 3;
    private static final int OTHER = 4;

    private LowMemoryClient() {
    }

    public static void main(String[] args) throws Exception {
        String bigUrl = args[0];
        String smallUrl = args[1];
        int perOrigin = Integer.parseInt(args[2]);
        int calls = Integer.parseInt(args[3]);
        Http2Mode http2 = args[4].equals("http2") ? Http2Mode.PRIOR_KNOWLEDGE : Http2Mode.OFF;
        // The CA to trust, as a PEM file, when the URLs are https: ones.
        TlsConfig tls = args.length > 5 ? TlsConfig.builder().trustedCertificates(Path.of(args[5])).build() : null;
        PrintStream out = System.out;
        InputStream commands = System.in;
        Client client = null;
        CountDownLatch fire = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(calls);
        AtomicIntegerArray outcomes = new AtomicIntegerArray(calls);
        rehearse(outcomes);
        out.println("ready");
        for (int command; (command = commands.read()) >= 0; ) {
            switch (command) {
                case 'c' -> {
                    ClientConfig.Builder config = ClientConfig.builder().connectTimeout(Duration.ofSeconds(5))
                            .readTimeout(Duration.ofSeconds(5)).maxConnectionsPerOrigin(perOrigin).http2(http2);
                    if (PRIORITY != null) {
                        config.socketOptions(SocketOptions.builder().priority(PRIORITY).build());
                    }
                    client = Client.create((tls == null ? config : config.tls(tls)).build());
                    out.println("client made");
                }
                case 'b' -> out.println(get(client, bigUrl));
                case 's' -> out.println(get(client, smallUrl));
                case 'a' -> {
                    for (int i = 0; i < calls; i++) {
                        startCall(client, bigUrl, fire, done, outcomes, i);
                    }
                    out.println("armed");
                }
                case 'f' -> {
                    HEAP.fill();
                    HeapFiller.say(out, 'F');
                }
                case 'x' -> {
                    fire.countDown();
                    HeapFiller.say(out, 'X');
                }
                case 'w' -> HeapFiller.say(out, awaitAll(done) ? 'W' : 'H');
                case 'r' -> {
                    HEAP.release();
                    HeapFiller.say(out, 'R');
                }
                case 'o' -> out.println(describe(outcomes));
                case 'n' -> out.println("open " + client.openConnections() + " idle " + client.idleConnections());
                case 'v' -> out.println(getAtOnce(client, smallUrl, calls));
                default -> {
                    // a line end, or noise: nothing to do
                }
            }
        }
        System.exit(0);
    }

    /**
     * Runs once, with memory to spare, what runs under the full heap: the first use of a method links it, and the link
     * may need memory (seen: the first set of an atomic array, in a call's last step, failed with an
     * OutOfMemoryError that killed its thread).
     */
    private static void rehearse(AtomicIntegerArray outcomes) {
        CountDownLatch latch = new CountDownLatch(1);
        latch.countDown();
        awaitAll(latch);
        outcomes.set(0, outcomes.get(0));
        describe(outcomes);
    }

    /** Waits for the calls by looking every few ms: a timed await would queue a node, which a full heap refuses. */
    private static boolean awaitAll(CountDownLatch done) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (done.getCount() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(5_000_000);
        }
        return done.getCount() == 0;
    }

    private static String get(Client client, String url) {
        try (Response response = client.send(Request.get(url))) {
            return "status " + response.statusCode() + " " + response.bytes().length;
        } catch (Throwable e) {
            return "error " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** Makes the calls at once, each on a virtual thread, and tells how each ended, as {@link #get} does. */
    private static String getAtOnce(Client client, String url, int count) throws Exception {
        List<Future<String>> calls = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                calls.add(callers.submit(() -> get(client, url)));
            }
        }
        List<String> outcomes = new ArrayList<>();
        for (Future<String> call : calls) {
            outcomes.add(call.get());
        }
        return String.join(" | ", outcomes);
    }

    /** A platform thread, made before the heap fills, that makes one call once fired and notes how it ended. */
    private static void startCall(Client client, String url, CountDownLatch fire, CountDownLatch done,
            AtomicIntegerArray outcomes, int slot) {
        Thread.ofPlatform().daemon().start(() -> {
            int outcome = OTHER;
            try {
                fire.await();
                try (Response response = client.send(Request.get(url))) {
                    response.bytes();
                    outcome = OK;
                }
            } catch (IOException e) {
                outcome = IO;
            } catch (Error e) {
                outcome = ERROR;
            } catch (Throwable e) {
                outcome = OTHER;
            } finally {
                outcomes.set(slot, outcome);
                done.countDown();
            }
        });
    }

    private static String describe(AtomicIntegerArray outcomes) {
        int[] counts = new int[OTHER + 1];
        for (int i = 0; i < outcomes.length(); i++) {
            counts[outcomes.get(i)]++;
        }
        return "ok " + counts[OK] + " io " + counts[IO] + " error " + counts[ERROR] + " other " + counts[OTHER]
                + " running " + counts[RUNNING];
    }
}
