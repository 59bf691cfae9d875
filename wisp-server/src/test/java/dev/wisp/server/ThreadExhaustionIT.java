package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.RawPeer;
import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.testing.ScriptedWebSocketPeer.Frame;
import dev.wisp.testing.TestTransport;
import dev.wisp.testing.ThreadLimit;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A server that can start no thread ({@link CommandServer} in a child JVM whose cgroup allows it no more threads than
 * it has once listening: a container's {@code pids.max} reached, or the system's {@code threads-max}) serves as
 * before: its connections run on virtual threads, which need none, and their timed waits end (a new WebSocket's
 * first waits for a frame are the first of the JVM) although the JDK's timer thread would have started at the first
 * of them (started with the server instead, else that wait's thread is lost for good). Over TLS, handshakes at once
 * hand their tasks to a pool whose threads start at its first tasks; a task the pool cannot start a thread for runs on
 * the connection's own thread, and the first such refusal is logged. Once threads are back, the pool starts its
 * threads, and nothing of the server's own died. Plaintext and over TLS.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes: it mostly waits, on a server in a process of its own
class ThreadExhaustionIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int CONNECTIONS = 16;
    private static final int REQUESTS_EACH = 3;
    /** Between a connection's requests: its thread waits with a timeout first, then in the input watcher. */
    private static final Duration PAUSE = Duration.ofMillis(120);
    private static final String HELLO = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String REFUSED = "a pool of platform threads refused a call";
    /** A little longer than the pause after a refusal during which tasks run in place without asking the pool. */
    private static final Duration REFUSED_PAUSE = Duration.ofMillis(1_500);

    @Test
    void servesWhileNoThreadCanStartAndStartsThemOnceThreadsAreBack() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ChildServer child = ChildServer.start(); ThreadLimit limit = ThreadLimit.of(child.pid())) {
                limit.reach();
                long threads = limit.threads();
                // A new WebSocket's first waits for a frame are timed: the first timed waits of this JVM.
                assertEquals(List.of("one", "two"), echoes(child.port(), "one", "two"),
                        () -> "a WebSocket echoes while no thread can start; log: " + child.logLines());
                assertEquals(List.of(), servedAtOnce(child.port()), "answers while no thread can start; log: "
                        + child.logLines());
                assertEquals(threads, limit.threads(), "no thread started");
                if (TestTransport.isTls()) {
                    assertTrue(limit.refusals() > 0, "the handshakes met the limit");
                    assertEquals(1, child.logLines().stream().filter(line -> line.contains(REFUSED)).count(),
                            () -> "one line tells of the refusals: " + child.logLines());
                }

                limit.lift();
                Thread.sleep(REFUSED_PAUSE.toMillis()); // the tasks run in place for a second after the last refusal
                assertEquals(List.of(), servedAtOnce(child.port()), "answers once threads are back; log: "
                        + child.logLines());
                if (TestTransport.isTls()) {
                    assertTrue(limit.threads() > threads, "the pool of the handshakes' tasks started its threads");
                }
                List<String> died = child.logLines().stream()
                        .filter(line -> line.contains("in thread \"wisp-") || line.contains("SEVERE"))
                        .toList();
                assertEquals(List.of(), died, "a thread of the server's own ended, or a connection failed");
            }
        });
    }

    /**
     * The texts a WebSocket at /ws echoed, sent one after the other with a pause between, and how it failed if it
     * did.
     */
    private static List<String> echoes(int port, String... texts) throws Exception {
        List<String> echoed = new ArrayList<>();
        try (ScriptedWebSocketPeer webSocket = ScriptedWebSocketPeer.open(port, "/ws")) {
            for (String text : texts) {
                Thread.sleep(PAUSE);
                webSocket.sendText(text);
                Frame frame;
                do {
                    frame = webSocket.read();
                } while (frame.opcode() == ScriptedWebSocketPeer.PING);
                echoed.add(frame.text());
            }
        } catch (IOException e) {
            echoed.add(e.toString());
        }
        return echoed;
    }

    /**
     * Opens {@value #CONNECTIONS} connections at once (over TLS, their handshakes at once), each sending
     * {@value #REQUESTS_EACH} requests with a pause between; returns what went wrong, empty if all were answered.
     */
    private static List<String> servedAtOnce(int port) throws Exception {
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                outcomes.add(clients.submit((Callable<String>) () -> {
                    try (RawPeer peer = RawPeer.connect(port)) {
                        for (int request = 0; request < REQUESTS_EACH; request++) {
                            Thread.sleep(PAUSE);
                            peer.send(HELLO);
                            int status = peer.readResponse().status();
                            if (status != 200) {
                                return "request " + request + ": " + status;
                            }
                        }
                        return null;
                    } catch (Exception e) {
                        return e.toString();
                    }
                }));
            }
            List<String> failed = new ArrayList<>();
            for (Future<String> outcome : outcomes) {
                String failure = outcome.get();
                if (failure != null) {
                    failed.add(failure);
                }
            }
            return failed;
        }
    }
}
