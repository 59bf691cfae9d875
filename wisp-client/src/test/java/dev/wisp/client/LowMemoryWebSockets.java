package dev.wisp.client;

import dev.wisp.testing.HeapFiller;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A client in a JVM of its own with a small heap, started by {@link ClientWebSocketMemoryExhaustionIT}, whose
 * WebSockets take large messages while its heap is full. Its arguments: the URL of an echo endpoint, how many
 * WebSockets to open, and {@code h2c} for them to share an HTTP/2 connection (made by a call to {@code /hello} of
 * the same server) rather than take one each. Commands are single bytes on standard input, answered on standard
 * output without allocating when the heap may be full:
 * <ul>
 *   <li>{@code o}: opens the WebSockets, each with a listener that only counts; answers {@code opened N}.</li>
 *   <li>{@code f}: fills the heap until not even a small array fits, and holds it ({@code F}); {@code r}: lets it
 *       go ({@code R}). While the heap is full the test sends nothing but {@code r}.</li>
 *   <li>{@code e}: sends a text on each WebSocket, and waits up to 20 s until the listener of each heard it echoed
 *       or heard of the WebSocket's end ({@code onError} or {@code onClose}); answers
 *       {@code told N echoed N silent N}: a silent one is open to the application and dead.</li>
 *   <li>{@code n}: opens one more WebSocket and echoes a text on it; answers {@code new echoed} or what failed.</li>
 * </ul>
 * The end of its input stops it.
 */
public final class LowMemoryWebSockets {
    private static final HeapFiller HEAP = new HeapFiller();
    /** Long enough for an idle ping's pong timeout and the sweeper's wait for a lost reading thread after it. */
    private static final long ECHO_WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final String PING = "ping";
    private static final int OPEN = 0;
    private static final int ECHOED = 1;
    private static final int TOLD = 2;

    private LowMemoryWebSockets() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int count = Integer.parseInt(args[1]);
        boolean h2c = args.length > 2 && args[2].equals("h2c");
        PrintStream out = System.out;
        InputStream commands = System.in;
        Client client = Client.create(ClientConfig.builder().connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(5)).http2(h2c ? Http2Mode.PRIOR_KNOWLEDGE : Http2Mode.NEGOTIATE)
                .build());
        if (h2c) { // the call that makes the HTTP/2 connection the WebSockets share
            try (Response response = client.send(Request.get("http://" + URI.create(url).getAuthority() + "/hello"))) {
                response.text();
            }
        }
        // Idle pings end a connection whose reading thread no longer reads (lost by the JDK under the full heap).
        WebSocketConfig config = WebSocketConfig.builder().maxMessageBytes(1 << 20)
                .pingInterval(Duration.ofSeconds(1)).pongTimeout(Duration.ofSeconds(2)).build();
        WebSocket[] webSockets = new WebSocket[count];
        AtomicIntegerArray states = new AtomicIntegerArray(count);
        for (int command; (command = commands.read()) >= 0; ) {
            switch (command) {
                case 'o' -> {
                    for (int i = 0; i < count; i++) {
                        webSockets[i] = client.webSocket(url, config, new Counting(states, i));
                    }
                    out.println("opened " + count);
                }
                case 'f' -> {
                    HEAP.fill();
                    HeapFiller.say(out, 'F');
                }
                case 'r' -> {
                    HEAP.release();
                    HeapFiller.say(out, 'R');
                }
                case 'e' -> out.println(echoEach(webSockets, states));
                case 'n' -> out.println(openAndEcho(client, url, config));
                default -> {
                    // a line end, or noise: nothing to do
                }
            }
        }
        System.exit(0);
    }

    /** Counts what each WebSocket's listener heard: its end, or the echo of {@link #PING}; allocates nothing. */
    private record Counting(AtomicIntegerArray states, int slot) implements WebSocketListener {
        @Override
        public void onText(WebSocket webSocket, String text) {
            if (text.equals(PING)) {
                states.compareAndSet(slot, OPEN, ECHOED);
            }
        }

        @Override
        public void onClose(WebSocket webSocket, int code, String reason) {
            states.set(slot, TOLD);
        }

        @Override
        public void onError(WebSocket webSocket, IOException error) {
            states.set(slot, TOLD);
        }
    }

    private static String echoEach(WebSocket[] webSockets, AtomicIntegerArray states) {
        for (int i = 0; i < webSockets.length; i++) {
            if (states.get(i) == OPEN) {
                WebSocket webSocket = webSockets[i];
                // On threads of their own: a send may wait for the server's flow-control window over HTTP/2.
                Thread.ofVirtual().start(() -> {
                    try {
                        webSocket.sendText(PING);
                    } catch (IOException e) {
                        // a WebSocket that ended: its listener should hear of it
                    }
                });
            }
        }
        long deadline = System.nanoTime() + ECHO_WAIT_NANOS;
        int told = 0;
        int echoed = 0;
        for (int i = 0; i < webSockets.length; i++) {
            while (states.get(i) == OPEN && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(5_000_000);
            }
            int state = states.get(i);
            told += state == TOLD ? 1 : 0;
            echoed += state == ECHOED ? 1 : 0;
            states.compareAndSet(i, ECHOED, OPEN); // the next echo counts afresh
        }
        return "told " + told + " echoed " + echoed + " silent " + (webSockets.length - told - echoed);
    }

    /** Opens a WebSocket once memory is back, so its listener may allocate to say how it ended. */
    private static String openAndEcho(Client client, String url, WebSocketConfig config) {
        AtomicIntegerArray state = new AtomicIntegerArray(1);
        AtomicReference<String> end = new AtomicReference<>();
        Counting counting = new Counting(state, 0);
        WebSocketListener telling = new WebSocketListener() {
            @Override
            public void onText(WebSocket webSocket, String text) {
                counting.onText(webSocket, text);
            }

            @Override
            public void onClose(WebSocket webSocket, int code, String reason) {
                end.compareAndSet(null, "closed " + code + " " + reason);
                counting.onClose(webSocket, code, reason);
            }

            @Override
            public void onError(WebSocket webSocket, IOException error) {
                end.compareAndSet(null, "error " + error);
                counting.onError(webSocket, error);
            }
        };
        try (WebSocket webSocket = client.webSocket(url, config, telling)) {
            webSocket.sendText(PING);
            long deadline = System.nanoTime() + ECHO_WAIT_NANOS;
            while (state.get(0) == OPEN && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(5_000_000);
            }
            return state.get(0) == ECHOED ? "new echoed" : "new " + (state.get(0) == TOLD ? "ended: " + end : "silent");
        } catch (IOException | RuntimeException e) {
            return "new failed: " + e;
        }
    }
}
