package dev.wisp.server;

import dev.wisp.server.sse.EventStream;
import dev.wisp.server.sse.EventStreamConfig;
import dev.wisp.testing.HeapFiller;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A server in a child JVM that a test steers through one-byte commands on its standard input: GET /hello; POST /echo,
 * which reads the whole body into memory; a WebSocket at /ws that echoes texts and pings when idle (every second,
 * closed 2 s after an unanswered ping); and GET /spin, which keeps its thread computing, never blocking, until told
 * to stop (at most a minute), so that with one carrier no other virtual thread runs meanwhile; GET /held, answered
 * once told to (blocking, at most a minute). It prints {@code port N}
 * once listening; each command is read and answered without allocating, since the heap may be full: {@code f} fills the
 * heap until not even a small array fits, and holds it (answer {@code F}); {@code n} fills it to 90% of its maximum
 * and holds that, collecting every 250 ms as a server at work does (answer {@code N}); {@code r} lets it go (answer
 * {@code R}); {@code s} ends the spins (answer {@code S}); {@code h} lets one held request be answered (answer
 * {@code H}); {@code c} prints the number of open connections (answer
 * {@code C} and the count); {@code d} describes them (answer {@code D} and a line). The end of its input stops it.
 * Used with a small heap by {@link MemoryExhaustionIT}, {@link WebSocketMemoryExhaustionIT} and
 * {@link HeapPressureIT}, with one carrier by {@link LostThreadIT}.
 */
public final class CommandServer {
    private static final HeapFiller HEAP = new HeapFiller();
    private static final long MAX_SPIN_NANOS = 60_000_000_000L;
    private static volatile boolean spinsEnd;
    private static volatile int spinsBegun;
    private static final Semaphore HELD = new Semaphore(0);
    /** Whether the heap is held nearly full, and collected now and then as a server at work collects it. */
    private static volatile boolean collecting;

    private CommandServer() {
    }

    public static void main(String[] args) throws IOException {
        WebSocketListener echo = WebSocketListener.echo();
        Router router = Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .post("/echo", (request, response) -> response.send(request.body().readAllBytes()))
                .get("/spin", (request, response) -> response.send(spin()))
                .get("/held", (request, response) -> {
                    try {
                        response.send(HELD.tryAcquire(1, TimeUnit.MINUTES) ? "held\n" : "never released\n");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("stopping");
                    }
                })
                // Idle pings end a WebSocket whose thread no longer reads (one the JDK lost under a full heap).
                .webSocket("/ws", WebSocketConfig.builder().pingInterval(Duration.ofSeconds(1))
                        .pongTimeout(Duration.ofSeconds(2)).build(), request -> echo)
                // No pings: a WebSocket with no deadline at all while it waits.
                .webSocket("/ws-quiet", WebSocketConfig.builder().build(), request -> echo)
                // An event stream with quick heartbeats, which find a client that left (one under the full heap too).
                .get("/events", (request, response) -> {
                    try (EventStream events = EventStream.open(request, response, EventStreamConfig.builder()
                            .heartbeatInterval(Duration.ofMillis(200)).build())) {
                        events.send("hello");
                        events.awaitClosed();
                    }
                })
                .build();
        // Short timeouts: under a full heap a connection's thread may be stuck until one fires (see the test).
        // Over TLS in a run that tests TLS (the parent passes its setting on), so that handshakes meet the full heap.
        // HTTP/2 beside HTTP/1.1 with -Dwisp.test.http2=true.
        Server server = TestServers.start(ServerConfig.builder().headerTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(3)).idleTimeout(Duration.ofSeconds(3))
                .http2(Boolean.getBoolean("wisp.test.http2")), router);
        PrintStream out = System.out;
        out.println("port " + server.port());
        InputStream commands = System.in;
        for (int command; (command = commands.read()) >= 0; ) {
            switch (command) {
                case 'f' -> {
                    HEAP.fill();
                    out.write('F');
                    out.write('\n');
                    out.flush();
                }
                case 'n' -> { // nearly full: 90%, as a server whose clients hold what they sent
                    HEAP.fillTo(0.9);
                    collecting = true;
                    Thread.ofPlatform().daemon().start(CommandServer::collectWhileNearlyFull);
                    out.write('N');
                    out.write('\n');
                    out.flush();
                }
                case 'r' -> {
                    collecting = false;
                    HEAP.release();
                    out.write('R');
                    out.write('\n');
                    out.flush();
                }
                case 'h' -> {
                    HELD.release();
                    out.write('H');
                    out.write('\n');
                    out.flush();
                }
                case 's' -> {
                    spinsEnd = true;
                    out.write('S');
                    out.write('\n');
                    out.flush();
                }
                case 'c' -> out.println("C" + server.connectionCount());
                case 'p' -> out.println("P" + spinsBegun);
                case 'd' -> out.println("D " + server.describeConnections());
                default -> {
                    // a line end, or noise: nothing to do
                }
            }
        }
        server.stop(Duration.ZERO);
        out.println("stopped");
    }

    /** Collects every 250 ms while the heap is held nearly full: each collection finds it so again. */
    private static void collectWhileNearlyFull() {
        while (collecting) {
            System.gc();
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Computes until the test ends the spins, or a minute has passed; how long it took, in whole seconds. */
    private static String spin() {
        spinsBegun++; // one spin at a time, in the tests that spin
        long start = System.nanoTime();
        while (!spinsEnd && System.nanoTime() - start < MAX_SPIN_NANOS) {
            Thread.onSpinWait();
        }
        return (System.nanoTime() - start) / 1_000_000_000 + " s\n";
    }
}
