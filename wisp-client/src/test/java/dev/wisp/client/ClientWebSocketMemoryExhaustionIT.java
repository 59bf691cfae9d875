package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.ChildJava;
import dev.wisp.testing.CommandProcess;
import dev.wisp.testing.ThreadDumps;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client whose WebSockets take large messages while its heap is full: once memory is back, each of them either
 * still works (a text sent is echoed) or its listener heard of its end ({@code onError}, {@code onClose}); none is
 * left open to the application and dead, which is what a reading thread ended by an {@link OutOfMemoryError} made
 * of it (and a reconnecting WebSocket, which reconnects when told, never reconnected). A new WebSocket works. The
 * client runs in a child JVM with a small heap ({@link LowMemoryWebSockets}); the server is this JVM's, and sends
 * each WebSocket messages of 256 KiB, one after another, as the client's heap fills and while it is full. Over
 * HTTP/1.1, a connection each. Over h2c, streams of the one connection a first call made: a new WebSocket once memory
 * was back timed out in 2 runs of 18 before the client's HTTP/2 connections noticed a reading thread lost out of its
 * read, and none in 19 after; a clean-clone run then left one WebSocket of four open and silent, and since they also
 * notice one lost inside its read (woken by bytes, never run), none in 35.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes: it mostly waits, on a client in a process of its own
@ResourceLock(ChildClient.FULL_HEAP)
class ClientWebSocketMemoryExhaustionIT {
    private static final Duration REPLY_WAIT = Duration.ofSeconds(60);
    private static final int WEB_SOCKETS = 4;
    private static final int MAX_MESSAGES_EACH = 2_000;
    private static final byte[] LARGE = new byte[256 * 1024];
    /** How long the heap stays full while the messages go out. */
    private static final Duration FULL = Duration.ofSeconds(3);
    private static final Duration SENDERS_WAIT = Duration.ofSeconds(2);

    private final List<WebSocket> serverSides = new CopyOnWriteArrayList<>();
    private final List<String> protocols = new CopyOnWriteArrayList<>();
    private volatile boolean sending = true;
    @AutoClose
    private Server server;
    @AutoClose
    private CommandProcess child;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http/1.1", "h2c"})
    void webSocketsUnderAFullHeapWorkOrTellTheirEndOnceMemoryIsBack(String protocol, @TempDir Path folder)
            throws Exception {
        server = Server.create(ServerConfig.builder().port(0).http2(true).build(),
                Router.builder()
                        .get("/hello", (request, response) -> response.send("hello"))
                        .webSocket("/echo", WebSocketConfig.defaults(), request -> {
                            protocols.add(request.protocol().toString());
                            return echoing();
                        })
                        .build()).start();
        List<String> command = new ArrayList<>(ChildJava.command(LowMemoryWebSockets.class, "-Xmx48m"));
        command.addAll(List.of("ws://127.0.0.1:" + server.port() + "/echo", String.valueOf(WEB_SOCKETS), protocol));
        child = CommandProcess.start(command, REPLY_WAIT);
        assertEquals("opened " + WEB_SOCKETS, child.command("o"));
        assertEquals(Set.of(protocol.equals("h2c") ? "HTTP/2" : "HTTP/1.1"), Set.copyOf(protocols));
        assertEquals("told 0 echoed " + WEB_SOCKETS + " silent 0", child.command("e"), "every WebSocket works");

        // The messages flow as the heap fills, so that the reading threads are at work, not parked, when it is full.
        List<Thread> senders = new ArrayList<>();
        for (WebSocket serverSide : serverSides) {
            senders.add(Thread.ofVirtual().start(() -> sendLarge(serverSide)));
        }
        assertEquals("F", child.command("f"));
        Thread.sleep(FULL.toMillis());
        sending = false;
        assertEquals("R", child.command("r"));
        // A send may stay blocked on a client that does not read (a reading thread the JDK lost, until the
        // client's pong timeout closes the connection); the check below does not need it to end.
        long sendersEnd = System.nanoTime() + SENDERS_WAIT.toNanos();
        for (Thread sender : senders) {
            sender.join(Duration.ofNanos(Math.max(1, sendersEnd - System.nanoTime())));
        }

        String outcome = child.command("e");
        assertEquals(0, silent(outcome), () -> "WebSockets open to the application and dead: " + outcome
                + "; the client's log: " + child.logLines());
        String opened = child.command("n");
        if (!opened.equals("new echoed")) {
            List<String> threads = ThreadDumps.threadsNamed("wisp-", child.pid(), folder.resolve("threads.txt"));
            fail(protocol + ": " + opened + "; the client's log: " + child.logLines() + "; its threads:\n"
                    + String.join("\n\n", threads));
        }
    }

    /** The server's side of a WebSocket: noted, so that large messages go out on it, and echoing texts. */
    private WebSocketListener echoing() {
        return new WebSocketListener() {
            @Override
            public void onOpen(WebSocket webSocket) {
                serverSides.add(webSocket);
            }

            @Override
            public void onText(WebSocket webSocket, String text) throws IOException {
                webSocket.sendText(text);
            }
        };
    }

    /**
     * Sends large messages until the heap is let go (at most {@value #MAX_MESSAGES_EACH}), stopping at the first
     * that fails: the WebSocket ended, which the client must hear of.
     */
    private void sendLarge(WebSocket serverSide) {
        try {
            for (int i = 0; i < MAX_MESSAGES_EACH && sending; i++) {
                serverSide.sendBinary(LARGE);
            }
        } catch (IOException | RuntimeException e) {
            // the client ended it
        }
    }

    private static int silent(String outcome) {
        String[] words = outcome.split(" ");
        return Integer.parseInt(words[words.length - 1]);
    }
}
