package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import dev.wisp.websocket.WebSocketConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The closing handshake through the relay, with node's {@code ws} on both ends (peers nobody here wrote): a close
 * from either side reaches the other with its code and reason, or none (an empty close frame stays empty), and is
 * answered with the other side's close only once that came, so that messages still on their way when a side closes
 * reach their reader (RFC 6455 §5.5.1, §7.1.2); an upstream that does not answer does not hold the client past
 * closeTimeout.
 */
class WebSocketRelayClosingIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(300);
    /**
     * The upstream: echoes, tells what it got and how it closed; closes on request, with a code or without one,
     * and on "mute" stops reading its socket, so that it never answers a close. Arguments: port, ws module.
     */
    private static final String NODE_UPSTREAM = """
            const WebSocket = require(process.argv[2]);
            const server = new WebSocket.Server({ host: '127.0.0.1', port: Number(process.argv[1]) });
            server.on('connection', socket => {
                socket.on('error', () => {});
                socket.on('message', data => {
                    const text = data.toString();
                    console.log(`got ${text}`);
                    if (text === 'close-me') socket.close(4002, 'done');
                    else if (text === 'close-empty') socket.close();
                    else if (text === 'mute') { socket._socket.pause(); socket.send('muted'); }
                    else if (socket.readyState === WebSocket.OPEN) socket.send(text);
                });
                socket.on('close', (code, reason) => console.log(`closed ${code} ${reason}`));
            });
            server.on('listening', () => console.log('upstream listening'));
            """;
    /**
     * The client: sends its messages at once, closes as told (after the answer to "mute", if it sent that), prints
     * what it gets and how the close ended. Arguments: URL, ws module, close code ("none" for no code, "wait" to
     * wait for the upstream's close), then the messages.
     */
    private static final String NODE_CLIENT = """
            const WebSocket = require(process.argv[2]);
            const [url, , close, ...messages] = process.argv.slice(1);
            const ws = new WebSocket(url);
            const closeNow = () => close === 'none' ? ws.close() : close !== 'wait' && ws.close(Number(close), 'bye');
            const started = Date.now();
            ws.on('open', () => {
                messages.forEach(message => ws.send(message));
                if (!messages.includes('mute')) closeNow();
            });
            ws.on('message', data => {
                console.log(`echo ${data}`);
                if (data.toString() === 'muted') closeNow();
            });
            ws.on('close', (code, reason) => {
                console.log(`closed ${code} ${reason} after ${Date.now() - started} ms`);
                console.log('client ended');
            });
            ws.on('error', error => console.log(`error ${error.message}`));
            """;

    private Path modules;
    private PeerProcess upstream;
    private Server proxyServer;
    private ReverseProxy proxy;

    @BeforeEach
    void start() throws Exception {
        modules = PeerProcess.nodeModulesWithWs();
        int upstreamPort = PeerProcess.freePort();
        upstream = PeerProcess.start(List.of(PeerTools.require("node").toString(), "-e", NODE_UPSTREAM,
                String.valueOf(upstreamPort), ws()), Map.of(), "upstream listening", Duration.ofSeconds(20));
        proxy = ReverseProxy.builder("http://127.0.0.1:" + upstreamPort).stripPrefix("/node").build();
        WebSocketRelay relay = proxy.webSocketRelay(WebSocketConfig.builder().closeTimeout(CLOSE_TIMEOUT).build());
        proxyServer = Server.create(ServerConfig.builder().bindAddress(InetAddress.getLoopbackAddress()).port(0)
                .build(), Router.builder().webSocket("/node/*", relay.config(), relay, proxy).build()).start();
    }

    @AfterEach
    void stop() throws Exception {
        proxyServer.stop(Duration.ZERO);
        proxy.close();
        upstream.close();
    }

    @Test
    void messagesInFlightWhenTheClientClosesAreStillEchoedAndTheUpstreamAnswersTheClose() {
        assertTimeoutPreemptively(LIMIT, () -> {
            List<String> heard = client("1000", "a", "b");
            assertEquals(List.of("echo a", "echo b", "closed 1000 bye"), withoutTimes(heard));
            assertEquals("closed 1000 bye", upstream.output().await("closed", Duration.ofSeconds(10)));
        });
    }

    @Test
    void messagesInFlightWhenTheUpstreamClosesStillReachItAndTheClientAnswersTheClose() {
        assertTimeoutPreemptively(LIMIT, () -> {
            List<String> heard = client("wait", "close-me", "late 1", "late 2");
            assertEquals(List.of("closed 4002 done"), withoutTimes(heard));
            assertEquals("closed 4002 done", upstream.output().await("closed", Duration.ofSeconds(10)));
            assertEquals(List.of("got close-me", "got late 1", "got late 2", "closed 4002 done"),
                    upstream.output().seen().subList(1, 5));
        });
    }

    @Test
    void anEmptyCloseFrameIsRelayedEmptyBothWays() {
        assertTimeoutPreemptively(LIMIT, () -> {
            assertEquals(List.of("echo a", "closed 1005 "), withoutTimes(client("none", "a")));
            assertEquals("closed 1005 ", upstream.output().await("closed", Duration.ofSeconds(10)));

            assertEquals(List.of("closed 1005 "), withoutTimes(client("wait", "close-empty")));
            assertEquals("closed 1005 ", upstream.output().await("closed", Duration.ofSeconds(10)));
        });
    }

    @Test
    void anUpstreamThatNeverAnswersTheCloseHoldsTheClientNoLongerThanCloseTimeout() {
        assertTimeoutPreemptively(LIMIT, () -> {
            List<String> heard = client("1000", "mute");
            // The relay answers with the client's own code once closeTimeout passed, as a session echoes it.
            assertEquals(List.of("echo muted", "closed 1000 "), withoutTimes(heard));
            long closedAfter = Long.parseLong(heard.getLast().replaceAll(".* after (\\d+) ms", "$1"));
            assertTrue(closedAfter >= CLOSE_TIMEOUT.toMillis() && closedAfter < 3_000, heard.toString());
        });
    }

    /** Runs the node client through the proxy until its WebSocket closed; returns what it printed. */
    private List<String> client(String close, String... messages) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(PeerTools.require("node").toString(), "-e",
                NODE_CLIENT, "ws://127.0.0.1:" + proxyServer.port() + "/node/x", ws(), close));
        command.addAll(List.of(messages));
        try (PeerProcess client = PeerProcess.start(command, Map.of(), "client ended", Duration.ofSeconds(20))) {
            List<String> seen = client.output().seen();
            return seen.subList(0, seen.indexOf("client ended"));
        }
    }

    private String ws() {
        return modules.resolve("ws").toAbsolutePath().toString();
    }

    /** The client's lines, its close's "after N ms" left out. */
    private static List<String> withoutTimes(List<String> lines) {
        return lines.stream().map(line -> line.replaceAll(" after \\d+ ms$", "")).toList();
    }
}
