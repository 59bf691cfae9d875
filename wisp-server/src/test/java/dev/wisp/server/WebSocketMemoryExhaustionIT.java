package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.testing.ScriptedWebSocketPeer.Frame;
import dev.wisp.testing.ThreadDumps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A server whose heap fills up ({@link CommandServer} in a child JVM with a small heap) while its WebSockets take
 * large messages: once memory is back, each WebSocket either still works (a text is echoed) or has been closed; none
 * is left open and dead. Then every connection ends once its peer has gone, and no thread of the server's own died.
 * Plaintext and over TLS. The WebSockets ping when idle, and the peers here answer, so that a WebSocket whose thread
 * JDK 25 lost under the full heap (runnable, never scheduled again) ends by its pong timeout.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes: it mostly waits, on a server in a process of its own
@ResourceLock(ChildServer.FULL_HEAP)
class WebSocketMemoryExhaustionIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(150);
    private static final Duration EVENTUALLY = Duration.ofSeconds(30);
    private static final int WEB_SOCKETS = 4;
    private static final int MAX_MESSAGES_EACH = 2_000;
    private static final byte[] LARGE = new byte[256 * 1024];
    private static final String CLOSED = "(closed)";
    /** Long enough for an idle ping's pong timeout (1 s and 2 s) and the close after it, on a loaded machine. */
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(20);
    private static final Duration SENDERS_WAIT = Duration.ofSeconds(2);

    @Test
    void webSocketsUnderAFullHeapEchoOrCloseOnceMemoryIsBack() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ChildServer child = ChildServer.startLowMemory("48m")) {
                List<Client> clients = new ArrayList<>();
                try {
                    for (int i = 0; i < WEB_SOCKETS; i++) {
                        clients.add(new Client(ScriptedWebSocketPeer.open(child.port(), "/ws")));
                    }
                    for (Client client : clients) {
                        client.sendText("warm");
                        assertEquals("warm", client.next(), "every class the echo needs is loaded first");
                    }

                    // The messages flow as the heap fills, so that the WebSockets' threads are at work when it is full.
                    List<Thread> senders = new ArrayList<>();
                    for (Client client : clients) {
                        senders.add(Thread.ofVirtual().start(client::sendLarge));
                    }
                    assertEquals("F", child.command("f"));
                    Thread.sleep(3_000);
                    clients.forEach(client -> client.sending = false);
                    assertEquals("R", child.command("r"));
                    // A sender may stay blocked in a write the server does not read (a thread the JDK lost, until
                    // its pong timeout closes the connection): the texts below then wait behind it.
                    long sendersEnd = System.nanoTime() + SENDERS_WAIT.toNanos();
                    for (Thread sender : senders) {
                        sender.join(Duration.ofNanos(Math.max(1, sendersEnd - System.nanoTime())));
                    }

                    List<String> silent = new ArrayList<>();
                    for (Client client : clients) {
                        // On threads of their own: a send waits while the server does not read.
                        Thread.ofVirtual().start(() -> client.sendText("again"));
                    }
                    long answersEnd = System.nanoTime() + ANSWER_WAIT.toNanos();
                    for (int i = 0; i < clients.size(); i++) {
                        String seen;
                        do {
                            seen = clients.get(i).next(answersEnd);
                        } while (seen != null && !seen.equals("again") && !seen.equals(CLOSED));
                        if (seen == null) {
                            silent.add(i + " (" + clients.get(i).sends() + ", sender "
                                    + (senders.get(i).isAlive() ? "still sending" : "done") + ")");
                        }
                    }
                    if (!silent.isEmpty()) {
                        String told = child.command("d");
                        fail("WebSockets open and dead once memory was back: " + silent + " of " + clients.size()
                                + " (in the order opened); the server's connections: " + told + "; log: "
                                + child.logLines() + "; the clients' threads:\n" + clientThreads()
                                + "\nthe server's threads:\n" + child.threadDump());
                    }
                } finally {
                    for (Client client : clients) {
                        client.close();
                    }
                }
                assertEquals(0, child.openConnectionsEventually(EVENTUALLY),
                        "connections still counted once every peer left");
                List<String> died = child.logLines().stream()
                        .filter(line -> line.contains("in thread \"wisp-") && !line.contains("in thread \"wisp-conn\""))
                        .toList();
                assertEquals(List.of(), died, "a thread of the server's own ended with an uncaught error");
            }
        });
    }

    /** What this JVM's threads that serve the clients are doing, for a failure's message. */
    private static String clientThreads() throws Exception {
        Path dump = Files.createTempDirectory("wisp-test").resolve("threads.txt");
        return String.join("\n\n", ThreadDumps.threadsNamed("", ProcessHandle.current().pid(), dump).stream()
                .filter(thread -> thread.contains(Client.class.getName()))
                .toList());
    }

    /**
     * A scripted WebSocket whose frames a thread of its own reads: it answers pings, and queues texts and the end
     * ({@link #CLOSED}, for a close frame or the connection's end). Sends take turns with its pongs, which go out on
     * threads of their own, so that the reading never waits for a send.
     */
    private static final class Client {
        private final ScriptedWebSocketPeer peer;
        private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        volatile boolean sending = true;
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();

        Client(ScriptedWebSocketPeer peer) {
            this.peer = peer;
            Thread.ofVirtual().start(this::read);
        }

        private void read() {
            try {
                while (true) {
                    Frame frame = peer.read();
                    switch (frame.opcode()) {
                        // On a thread of its own: a send may wait for good behind a sender blocked in a write
                        // that a server whose thread the JDK lost never reads, and this thread must go on reading
                        // to see the end the server then sends.
                        case ScriptedWebSocketPeer.PING -> Thread.ofVirtual().start(
                                () -> send(ScriptedWebSocketPeer.PONG, frame.payload()));
                        case ScriptedWebSocketPeer.TEXT -> received.add(frame.text());
                        case ScriptedWebSocketPeer.CLOSE -> {
                            received.add(CLOSED);
                            return;
                        }
                        default -> {
                            // nothing else is expected
                        }
                    }
                }
            } catch (IOException e) {
                received.add(CLOSED);
            }
        }

        void sendText(String text) {
            send(ScriptedWebSocketPeer.TEXT, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        /** Sends large messages until told to stop (at most {@value #MAX_MESSAGES_EACH}) or the connection ends. */
        void sendLarge() {
            for (int i = 0; i < MAX_MESSAGES_EACH && sending; i++) {
                if (!send(ScriptedWebSocketPeer.BINARY, LARGE)) {
                    return;
                }
            }
        }

        private synchronized boolean send(int opcode, byte[] payload) {
            try {
                peer.send(true, opcode, payload);
                sent.incrementAndGet();
                return true;
            } catch (IOException e) {
                failed.incrementAndGet();
                return false; // the server closed it: the reading thread sees the end
            }
        }

        /** How many frames were sent and how many sends failed, for a failure's message. */
        String sends() {
            return "sent " + sent.get() + " failed " + failed.get();
        }

        /** The next text or {@link #CLOSED}; null if none came within 20 s. */
        String next() throws InterruptedException {
            return received.poll(20, TimeUnit.SECONDS);
        }

        /** The next text or {@link #CLOSED}; null if none came by this {@link System#nanoTime()}. */
        String next(long deadlineNanos) throws InterruptedException {
            return received.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        /**
         * Closes the connection on a thread of its own, waiting a second at most: over TLS a close waits for a send
         * that the server does not read (its close_notify takes the same lock), until the server closes.
         */
        void close() throws InterruptedException {
            Thread.ofVirtual().start(() -> {
                try {
                    peer.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }).join(Duration.ofSeconds(1));
        }
    }
}
