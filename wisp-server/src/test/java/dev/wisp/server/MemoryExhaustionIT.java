package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import dev.wisp.testing.TestTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A server whose heap fills up, in a child JVM with a small one ({@link CommandServer}), and stays full for a
 * while, as requests arrive on an open connection (which the input watcher holds) and on new ones: nothing that
 * needs memory can go on meanwhile, a virtual thread's park included. Once memory is back, the same listener accepts
 * and serves, the timeouts fire, every connection ends once its peer has gone (by its timeout at the latest), and no
 * thread of the server's own (listener, timeout sweeper, input watcher, start relay) ended with an uncaught error;
 * over TLS too, where the handshakes meet the full heap. Each of them failed once: the sweeper and the watcher died
 * of the first OutOfMemoryError, the listener's pause waited for good (a timed wait short of memory for its queue
 * node), the watcher's selection failed for good (a JDK class first initialized under the full heap), the start
 * relay died (no new connection was served again), and a connection waiting in the watcher stayed open and counted
 * (its registration had failed midway). Later, with both cores loaded, about 1 run in 6: a spare and a relay parked
 * on their carriers (their stacks could not be saved) and nothing ran again; the JDK left a relay and connections'
 * threads parked for good; a thread died between reads, with no deadline that would free its connection (see
 * {@link LostThreadIT} for what the server does about threads that do not come back).
 *
 * <p>Not checked: that no connection's thread died. One still may, about 1 run in 16, of an error whose trace the
 * full heap keeps from being printed; the sweeper frees its connection.
 *
 * <p>Not checked: the requests that arrived meanwhile. The JDK may lose a connection that a full heap met in
 * {@code accept()} (its {@code finishAccept} closes the new socket on an Exception, not an Error); such a
 * connection was never counted.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes: it mostly waits, on a server in a process of its own
@ResourceLock(ChildServer.FULL_HEAP)
class MemoryExhaustionIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** How long "eventually" may take on a slow, loaded machine. */
    private static final Duration EVENTUALLY = Duration.ofSeconds(30);
    /**
     * How long a TLS handshake with the full heap is waited for: it does not end while the heap is full (the server
     * cannot make its answer), and the heap stays full until the client gives up.
     */
    private static final Duration FULL_HEAP_HANDSHAKE = Duration.ofSeconds(1);
    private static final String HELLO = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final int ECHO_BODY_BYTES = 256 * 1024;

    @Test
    void theServerOutlivesAFullHeapAndServesAgainOnceMemoryIsBack() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ChildServer child = ChildServer.startLowMemory("48m")) {
                byte[] echo = echoRequest(ECHO_BODY_BYTES);
                try (RawPeer warm = RawPeer.connect(child.port())) {
                    // Every class the answers need is loaded before the heap fills. The body comes late, so that
                    // a read parks its virtual thread with the JDK's poller: that class, initialized under a full
                    // heap, would fail for good, and every blocking read of the JVM with it.
                    warm.send(HELLO);
                    assertEquals(200, warm.readResponse().status());
                    int head = echo.length - ECHO_BODY_BYTES;
                    warm.send(Arrays.copyOf(echo, head));
                    Thread.sleep(200);
                    warm.send(Arrays.copyOfRange(echo, head, echo.length));
                    assertEquals(200, warm.readResponse().status());
                }
                List<RawPeer> peers = new ArrayList<>();
                try {
                    RawPeer kept = RawPeer.connect(child.port());
                    peers.add(kept);
                    kept.send(HELLO);
                    assertEquals(200, kept.readResponse().status());

                    assertEquals("F", child.command("f"));
                    sendQuietly(kept, echo); // a body read into a full heap, on a connection open before
                    for (int i = 0; i < 8; i++) { // new connections to a full heap
                        RawPeer peer;
                        try {
                            peer = RawPeer.connect(child.port(), FULL_HEAP_HANDSHAKE);
                        } catch (IOException handshakeFailed) {
                            break; // over TLS: the handshake met the full heap, and the next would too
                        }
                        peers.add(peer);
                        sendQuietly(peer, echo);
                    }
                    Thread.sleep(1_000); // the server fails what it can meanwhile
                    assertEquals("R", child.command("r"));
                } finally {
                    for (RawPeer peer : peers) {
                        peer.close();
                    }
                }

                assertEquals(200, helloEventually(child), "the listener accepts and serves once memory is back");
                try (RawPeer peer = RawPeer.connect(child.port())) {
                    peer.send(echo);
                    assertTrue(peer.isReadable(EVENTUALLY), "no answer to a body read once memory was back; log: "
                            + child.logLines() + "; threads:\n" + child.threadDump());
                    RawResponse answer = peer.readResponse();
                    assertEquals(200, answer.status(), () -> answer.text() + "\nlog: " + child.logLines());
                }
                try (RawPeer slow = RawPeer.connect(child.port())) {
                    slow.send("GET /hello HTTP/1.1\r\nHost: x\r\n"); // the head never ends
                    assertTrue(slow.isReadable(EVENTUALLY), "the header timeout (2 s) did not fire; log: "
                            + child.logLines() + "; threads:\n" + child.threadDump());
                    int status;
                    try {
                        status = slow.readResponse().status();
                    } catch (IOException e) {
                        throw new AssertionError("no 408 once the header timeout fired; log: " + child.logLines(), e);
                    }
                    assertEquals(408, status);
                }
                assertEquals(0, child.openConnectionsEventually(EVENTUALLY),
                        "connections still counted once every peer left");
                List<String> died = child.logLines().stream().filter(MemoryExhaustionIT::ownThreadDied).toList();
                assertEquals(List.of(), died, "a thread of the server's own ended with an uncaught error");
            }
        });
    }

    /**
     * The same over HTTP/2 (h2c, or h2 by ALPN in the run over TLS), where requests are streams of a few connections
     * whose reading threads hand each stream its frames and run a handler per stream: nghttp2's h2load posts 256 KiB
     * bodies on 8 streams at a time of 2 connections as the heap is full. Once memory is back, a new connection's
     * streams are all answered, every connection ends once its peer has gone, and no thread of the server's own died.
     */
    @Test
    void http2StreamsUnderAFullHeapEndAndTheServerServesThemOnceMemoryIsBack(@TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String h2load = PeerTools.require("h2load").toString();
            Path body = Files.write(directory.resolve("body"), new byte[ECHO_BODY_BYTES]);
            try (ChildServer child = ChildServer.startLowMemory("48m", "-Dwisp.test.http2=true")) {
                String url = (TestTransport.isTls() ? "https://localhost:" : "http://127.0.0.1:") + child.port()
                        + "/echo";
                List<String> posts = List.of(h2load, "-d", body.toString(), "-N", "5s", url);
                assertEquals(4, answered(posts, 4, 1, 4), "every class the answers need is loaded first");

                assertEquals("F", child.command("f"));
                Process meanwhile = new ProcessBuilder(with(posts, 16, 2, 8)).redirectErrorStream(true)
                        .redirectOutput(directory.resolve("meanwhile.txt").toFile()).start();
                Thread.sleep(3_000);
                assertEquals("R", child.command("r"));
                if (!meanwhile.waitFor(EVENTUALLY.toSeconds(), TimeUnit.SECONDS)) {
                    meanwhile.destroyForcibly();
                    fail("h2load still ran 30 s after memory came back: " + Files.readString(
                            directory.resolve("meanwhile.txt")) + "; log: " + child.logLines());
                }

                assertEquals(4, answeredEventually(posts, child), "streams answered once memory was back");
                assertEquals(0, child.openConnectionsEventually(EVENTUALLY),
                        "connections still counted once every peer left");
                List<String> died = child.logLines().stream().filter(MemoryExhaustionIT::ownThreadDied).toList();
                assertEquals(List.of(), died, "a thread of the server's own ended with an uncaught error");
            }
        });
    }

    /** How many of h2load's requests were answered with 2xx. */
    private static int answered(List<String> command, int requests, int clients, int streams)
            throws IOException, InterruptedException {
        PeerTools.Result result = PeerTools.run(EVENTUALLY, with(command, requests, clients, streams));
        Matcher answered = Pattern.compile("(\\d+) 2xx").matcher(result.stdout());
        return answered.find() ? Integer.parseInt(answered.group(1)) : -1;
    }

    private static int answeredEventually(List<String> command, ChildServer child) throws Exception {
        long end = System.nanoTime() + EVENTUALLY.toNanos();
        int answered;
        do {
            answered = answered(command, 4, 1, 4);
        } while (answered != 4 && System.nanoTime() < end);
        if (answered != 4) {
            throw new AssertionError("h2load's 4 streams not all answered once memory was back: " + answered
                    + "; log: " + child.logLines() + "; threads:\n" + child.threadDump());
        }
        return answered;
    }

    /** The h2load command with its counts: requests in all, connections, streams at a time on each. */
    private static List<String> with(List<String> command, int requests, int clients, int streams) {
        List<String> full = new ArrayList<>(command.subList(0, 1));
        full.addAll(List.of("-n", String.valueOf(requests), "-c", String.valueOf(clients), "-m",
                String.valueOf(streams)));
        full.addAll(command.subList(1, command.size()));
        return full;
    }

    /**
     * Whether the log line tells of a thread of the server's own that ended with an uncaught error: the listener,
     * the sweeper, the watcher, the relays. Not a connection's thread ("wisp-conn"): one may still die of an error
     * the full heap causes, its trace lost with it (about 1 run in 16), and the sweeper then frees its connection,
     * which the count of open connections checks.
     */
    private static boolean ownThreadDied(String line) {
        return line.contains("in thread \"wisp-") && !line.contains("in thread \"wisp-conn\"");
    }

    /** Sends what the server may refuse midway: closing the connection is a failure it may answer with. */
    private static void sendQuietly(RawPeer peer, byte[] request) {
        try {
            peer.send(request);
        } catch (IOException closed) {
            // closed or reset before the whole request went
        }
    }

    private static int helloEventually(ChildServer child) throws InterruptedException {
        long end = System.nanoTime() + EVENTUALLY.toNanos();
        List<String> failures = new ArrayList<>();
        while (System.nanoTime() < end) {
            try (RawPeer peer = RawPeer.connect(child.port())) {
                peer.send(HELLO);
                return peer.readResponse().status();
            } catch (IOException e) {
                failures.add(e.toString());
                Thread.sleep(100);
            }
        }
        throw new AssertionError("no answer to GET /hello once memory was back: " + failures + "; log: "
                + child.logLines() + "; threads:\n" + child.threadDump());
    }

    private static byte[] echoRequest(int bodyBytes) {
        byte[] head = ("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + bodyBytes + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + bodyBytes];
        System.arraycopy(head, 0, request, 0, head.length);
        return request;
    }
}
