package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Version;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A server with HTTP/2 on for the interop tests against real HTTP/2 clients, which records how each request came:
 * its path, the protocol of the request and of its connection, and the connection's id. So a test asserts on the
 * server's side that an exchange really was HTTP/2, whatever the client says. Its routes ({@link #routes()}):
 * <ul>
 *   <li>{@code GET /hello}: {@code hello over <request protocol> on <connection protocol>}</li>
 *   <li>{@code POST /echo}: the request body, read whole, sent back with Content-Length</li>
 *   <li>{@code POST /digest}: reads the body as a stream and answers {@code <length> <sha-256 hex>}, then the request
 *       trailers as {@code name: value} lines</li>
 *   <li>{@code GET /large}: {@link #LARGE} with Content-Length</li>
 *   <li>{@code GET /streamed}: 100 lines {@code line N}, each flushed, then the trailers {@code x-lines: 100} and
 *       {@code x-sha256} (of the body), set after the last line</li>
 *   <li>{@code GET /endless}: 16 KiB blocks until a write fails (the client went away), at most 64 MiB; the failure
 *       goes to {@link #failedWrites()}</li>
 * </ul>
 */
final class InteropServer implements AutoCloseable {
    /** A body several times larger than every flow-control window: 3 MiB and a few bytes, random. */
    static final byte[] LARGE = new byte[3 * 1024 * 1024 + 17];
    private static final int ENDLESS_LIMIT_BYTES = 64 * 1024 * 1024;

    static {
        new Random(7).nextBytes(LARGE);
    }

    /** One request as the server's handler saw it. */
    record Seen(String path, Version protocol, ConnectionProtocol connectionProtocol, long connectionId) {
        boolean isHttp2() {
            return protocol == Version.HTTP_2 && connectionProtocol == ConnectionProtocol.HTTP_2;
        }
    }

    private final boolean tls;
    private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<IOException> failedWrites = new LinkedBlockingQueue<>();
    private final AtomicInteger opened = new AtomicInteger();
    private final Server server;

    private InteropServer(boolean tls, Router.Builder routes, Consumer<ServerConfig.Builder> adjust) {
        this.tls = tls;
        ServerConfig.Builder config = TestServers.config().http2(true).connectionListener(new ConnectionListener() {
            @Override
            public void opened(ConnectionInfo connection) {
                InteropServer.this.opened.incrementAndGet();
            }
        });
        adjust.accept(config);
        if (tls) {
            config.tls(TestTls.server().build());
        }
        Filter record = (request, response, next) -> {
            seen.add(new Seen(request.path(), request.protocol(), request.connection().protocol(),
                    request.connection().id()));
            next.handle(request, response);
        };
        server = Server.create(config.build(),
                HttpService.builder(withSharedRoutes(routes).build()).filter(record).build())
                .start();
    }

    /** Starts a server with HTTP/2 on: over TLS with the test certificate (h2 by ALPN), or plaintext (h2c). */
    static InteropServer start(boolean tls) {
        return new InteropServer(tls, Router.builder(), config -> { });
    }

    /** Starts a server with these routes beside the shared ones. */
    static InteropServer start(boolean tls, Router.Builder routes) {
        return new InteropServer(tls, routes, config -> { });
    }

    /** Starts a server with its configuration adjusted (HTTP/2 on, the port and TLS as above). */
    static InteropServer start(boolean tls, Consumer<ServerConfig.Builder> adjust) {
        return new InteropServer(tls, Router.builder(), adjust);
    }

    /** Starts a server with these routes beside the shared ones, and its configuration adjusted. */
    static InteropServer start(boolean tls, Router.Builder routes, Consumer<ServerConfig.Builder> adjust) {
        return new InteropServer(tls, routes, adjust);
    }

    int port() {
        return server.port();
    }

    ServerStats stats() {
        return server.stats();
    }

    boolean isTls() {
        return tls;
    }

    /**
     * The URL of a path: {@code https://localhost:PORT} over TLS (the certificate's name), else the loopback address.
     */
    String url(String path) {
        return (tls ? "https://localhost:" : "http://127.0.0.1:") + server.port() + path;
    }

    /** The requests the handlers saw so far, in the order their handlers started. */
    List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** The ids of the connections the requests came on. */
    Set<Long> connectionIds() {
        return seen.stream().map(Seen::connectionId).collect(Collectors.toCollection(TreeSet::new));
    }

    /** How many connections the server accepted (and, over TLS, finished the handshake of). */
    int connectionsOpened() {
        return opened.get();
    }

    /** The write failures of {@code /endless} handlers, whose client stopped reading or reset the stream. */
    BlockingQueue<IOException> failedWrites() {
        return failedWrites;
    }

    /** Asserts that the handlers saw this many requests, each of them HTTP/2 on an HTTP/2 connection. */
    void assertAllHttp2(int count) {
        List<Seen> all = seen();
        assertEquals(count, all.size(), () -> "requests seen: " + all);
        assertTrue(all.stream().allMatch(Seen::isHttp2), () -> "not all HTTP/2: " + all);
    }

    @Override
    public void close() {
        server.close();
    }

    private Router.Builder withSharedRoutes(Router.Builder routes) {
        return routes
                .get("/hello", (request, response) -> response.send("hello over " + request.protocol() + " on "
                        + request.connection().protocol() + "\n"))
                .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                .post("/digest", (request, response) -> {
                    MessageDigest digest = sha256();
                    long length = 0;
                    byte[] buffer = new byte[8192];
                    try (var body = request.body()) {
                        for (int n; (n = body.read(buffer, 0, buffer.length)) != -1; length += n) {
                            digest.update(buffer, 0, n);
                        }
                    }
                    StringBuilder answer = new StringBuilder(length + " " + HexFormat.of().formatHex(digest.digest())
                            + "\n");
                    request.trailers().forEach((name, value) -> answer.append(name).append(": ").append(value)
                            .append('\n'));
                    response.send(answer.toString());
                })
                .get("/large", (request, response) -> response.send(LARGE))
                .get("/streamed", (request, response) -> {
                    MessageDigest digest = sha256();
                    try (OutputStream out = response.outputStream()) {
                        for (int i = 0; i < 100; i++) {
                            byte[] line = ("line " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                            digest.update(line);
                            out.write(line);
                            out.flush();
                        }
                        response.trailer("x-lines", "100").trailer("x-sha256",
                                HexFormat.of().formatHex(digest.digest()));
                    }
                })
                .get("/endless", (request, response) -> {
                    byte[] block = new byte[16 * 1024];
                    OutputStream out = response.header("Content-Type", "application/octet-stream").outputStream();
                    try {
                        for (int sent = 0; sent < ENDLESS_LIMIT_BYTES; sent += block.length) {
                            out.write(block);
                            out.flush();
                        }
                    } catch (IOException e) {
                        failedWrites.add(e);
                        throw e;
                    }
                    out.close();
                });
    }

    /**
     * A handler that streams {@code first\n}, flushed, then waits (20 s at most) until the latch opens before it
     * sends {@code second\n}: a client that reads the first line before it opens the latch saw a body streamed.
     */
    static Handler pausingUntil(CountDownLatch resume) {
        return (request, response) -> {
            try (OutputStream out = response.outputStream()) {
                out.write("first\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (!resume.await(20, TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never let the handler go on");
                }
                out.write("second\n".getBytes(StandardCharsets.US_ASCII));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        };
    }

    /** The SHA-256 of bytes, in lowercase hex. */
    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
