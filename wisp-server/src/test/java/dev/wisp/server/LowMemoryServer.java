package dev.wisp.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A server for {@link MemoryExhaustionIT} to run in a child JVM with a small heap: GET /hello, and POST /echo, which
 * reads the whole body into memory. It prints {@code port N} once listening, then obeys one-byte commands on its
 * standard input, read and answered without allocating, since the heap may be full: {@code f} fills the heap until
 * not even a small array fits, and holds it (answer {@code F}); {@code r} lets it go (answer {@code R}); {@code c}
 * prints the number of open connections (answer {@code C} and the count). The end of its input stops it.
 */
public final class LowMemoryServer {
    /** Room enough for the arrays that fill a heap of some tens of MiB down to its last bytes. */
    private static final int MAX_HELD = 1 << 18;
    private static final List<Object> HELD = new ArrayList<>(MAX_HELD);

    private LowMemoryServer() {
    }

    public static void main(String[] args) throws IOException {
        Router router = Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .post("/echo", (request, response) -> response.send(request.body().readAllBytes()))
                .build();
        // Short timeouts: under a full heap a connection's thread may be stuck until one fires (see the test).
        // Over TLS in a run that tests TLS (the parent passes its setting on), so that handshakes meet the full heap.
        Server server = TestServers.start(ServerConfig.builder().headerTimeout(Duration.ofSeconds(2))
                .readTimeout(Duration.ofSeconds(3)).idleTimeout(Duration.ofSeconds(3)), router);
        PrintStream out = System.out;
        out.println("port " + server.port());
        InputStream commands = System.in;
        for (int command; (command = commands.read()) >= 0; ) {
            switch (command) {
                case 'f' -> {
                    fill();
                    out.write('F');
                    out.write('\n');
                    out.flush();
                }
                case 'r' -> {
                    HELD.clear();
                    System.gc();
                    out.write('R');
                    out.write('\n');
                    out.flush();
                }
                case 'c' -> out.println("C" + server.connectionCount());
                default -> {
                    // a line end, or noise: nothing to do
                }
            }
        }
        server.stop(Duration.ZERO);
        out.println("stopped");
    }

    /** Allocates ever smaller arrays until none fits; the list's room was made beforehand, so adding never grows it. */
    private static void fill() {
        for (int size = 1 << 20; size >= 16; size /= 2) {
            try {
                while (HELD.size() < MAX_HELD) {
                    HELD.add(new byte[size]);
                }
            } catch (OutOfMemoryError full) {
                // on to smaller arrays
            }
        }
    }
}
