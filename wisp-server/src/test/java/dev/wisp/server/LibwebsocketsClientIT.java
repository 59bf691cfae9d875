package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerTools;
import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.testing.TestTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * libwebsockets' own test client ({@code libwebsockets-test-client}, Debian {@code libwebsockets-test-server})
 * against Wisp's server playing libwebsockets' test protocols ({@link LwsTestProtocols}): its dumb-increment
 * connection counts the numbers we send, its mirror connection draws circles that the mirror sends back to it and
 * to a second peer, until the server closes the mirror and the client (run with {@code --once}) exits; with and
 * without permessage-deflate. Over ws, and over wss with the test certificate in the TLS run (verified against
 * the test CA).
 */
class LibwebsocketsClientIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Duration CLIENT_LIMIT = Duration.ofSeconds(40);
    private static final int MIRROR_LIMIT = 300;
    private static final int COUNTS = 10;
    private static final Pattern CIRCLE = Pattern.compile("c #[0-9A-F]{6} \\d+ \\d+ \\d+;");

    private Server server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }

    @ParameterizedTest(name = "permessage-deflate={0}")
    @ValueSource(booleans = {false, true})
    void countsAndMirrorsWithTheLibwebsocketsTestClient(boolean deflate) {
        assertTimeoutPreemptively(LIMIT, () -> {
            String client = PeerTools.require("libwebsockets-test-client").toString();
            // libwebsockets' test client cannot take permessage-deflate on its dumb-increment connection (its
            // receive buffer of 20 bytes is below the extension's 128: "ext permessage-deflate failed
            // construction"), so with the extension the mirror alone is checked.
            boolean counting = !deflate;
            LwsTestProtocols protocols = new LwsTestProtocols(MIRROR_LIMIT, counting ? COUNTS : -1);
            server = TestServers.start(Router.builder()
                    .webSocket("/", LwsTestProtocols.config(deflate), protocols)
                    .build());
            try (var watcher = ScriptedWebSocketPeer.open(server.port(), "/",
                    "Sec-WebSocket-Protocol: " + LwsTestProtocols.MIRROR)) {
                // The watcher reads all along, so the mirror never waits on it.
                BlockingQueue<String> circles = new LinkedBlockingQueue<>();
                Thread.ofVirtual().name("mirror-watcher").start(() -> {
                    try {
                        while (true) {
                            circles.add(watcher.read().text());
                        }
                    } catch (IOException | RuntimeException e) {
                        // closed at the end of the test
                    }
                });
                List<String> command = new ArrayList<>(List.of(client, "--once", "-d", "15"));
                if (TestTransport.isTls()) {
                    // Strict: the chain checked against the test CA, and the host name (127.0.0.1) against the
                    // certificate. Its lax -s would not do: it allows a self-signed certificate, not an unknown CA.
                    command.addAll(List.of("-S", "-A", TestTls.files().resolve("ca.pem").toString()));
                }
                command.add((TestTransport.isTls() ? "wss" : "ws") + "://127.0.0.1:" + server.port() + "/");
                PeerTools.Result result = PeerTools.run(CLIENT_LIMIT, command);
                String output = result.stdout() + result.stderr();
                assertEquals(0, result.exitCode(), output);
                assertFalse(output.contains("CLIENT_CONNECTION_ERROR"), output);
                assertEquals(deflate, output.contains("instantiating client ext permessage-deflate"), output);

                if (counting) {
                    // The dumb-increment connection counted from 0 with nothing skipped.
                    List<Integer> counts = received(output);
                    assertTrue(counts.size() >= COUNTS, "counts: " + counts);
                    for (int i = 0; i < counts.size(); i++) {
                        assertEquals(i, counts.get(i), "counts: " + counts);
                    }
                }

                // The mirror took at least MIRROR_LIMIT circles, each one less in the client's lifetime budget.
                Matcher opened = Pattern.compile("opened mirror connection with (\\d+) lifetime").matcher(output);
                assertTrue(opened.find(), output);
                Matcher closed = Pattern.compile("mirror: LWS_CALLBACK_CLOSED mirror_lifetime=(\\d+)").matcher(output);
                assertTrue(closed.find(), output);
                int sent = Integer.parseInt(opened.group(1)) - Integer.parseInt(closed.group(1));
                assertTrue(sent >= MIRROR_LIMIT && protocols.mirrored() >= MIRROR_LIMIT,
                        "client sent " + sent + ", mirror received " + protocols.mirrored());

                // The circles reached the other mirror peer as the client drew them.
                for (int i = 0; i < MIRROR_LIMIT; i++) {
                    String circle = circles.poll(5, TimeUnit.SECONDS);
                    assertTrue(circle != null && CIRCLE.matcher(circle).matches(), i + ": " + circle);
                }
            }
        });
    }

    /** The numbers the client's dumb-increment connection printed, in order ({@code rx 1 '0'}). */
    private static List<Integer> received(String output) {
        List<Integer> counts = new ArrayList<>();
        Matcher rx = Pattern.compile("I: rx \\d+ '(\\d+)'").matcher(output);
        while (rx.find()) {
            counts.add(Integer.parseInt(rx.group(1)));
        }
        return counts;
    }
}
