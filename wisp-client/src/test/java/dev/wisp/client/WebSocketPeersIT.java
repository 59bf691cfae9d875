package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's WebSockets against real servers: echo servers on node's {@code ws} (with and without
 * permessage-deflate) and on Autobahn|Python, started from the scripts below, and libwebsockets' test server (its
 * dumb-increment and mirror protocols).
 */
class WebSocketPeersIT {
    private static final Duration LIMIT = Duration.ofSeconds(40);
    /** An echo on node's ws. Arguments: port, path, "deflate" or "plain", the ws module's folder. */
    private static final String NODE_ECHO = """
            const WebSocket = require(process.argv[4]);
            const port = Number(process.argv[1]), path = process.argv[2];
            const server = new WebSocket.Server({ host: '127.0.0.1', port, path,
                perMessageDeflate: process.argv[3] === 'deflate', maxPayload: 8 << 20 });
            server.on('connection', socket => {
                socket.on('error', () => {}); // ws has sent its close frame; without a listener node would exit
                socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
            });
            server.on('listening', () => console.log(`echo on ws://127.0.0.1:${port}${path}`));
            """;
    /** An echo on Autobahn|Python's asyncio server. Argument: port. */
    private static final String AUTOBAHN_ECHO = """
            import asyncio, sys
            from autobahn.asyncio.websocket import WebSocketServerProtocol, WebSocketServerFactory
            class Echo(WebSocketServerProtocol):
                def onMessage(self, payload, isBinary):
                    self.sendMessage(payload, isBinary)
            port = int(sys.argv[1])
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)  # the factory binds to the loop current when it is made
            factory = WebSocketServerFactory("ws://127.0.0.1:%d" % port)
            factory.protocol = Echo
            factory.setProtocolOptions(maxMessagePayloadSize=8 << 20, maxFramePayloadSize=8 << 20)
            loop.run_until_complete(loop.create_server(factory, "127.0.0.1", port))
            print("autobahn echo on ws://127.0.0.1:%d/" % port, flush=True)
            loop.run_forever()
            """;
    private static final WebSocketConfig CONFIG = WebSocketConfig.builder().maxFrameBytes(4 << 20)
            .maxMessageBytes(4 << 20).build();

    @ParameterizedTest(name = "permessage-deflate={0}")
    @ValueSource(booleans = {false, true})
    void echoesThroughNodeWs(boolean deflate) {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path modules = PeerProcess.nodeModulesWithWs();
            int port = PeerProcess.freePort();
            List<String> command = List.of(PeerTools.require("node").toString(), "-e", NODE_ECHO,
                    String.valueOf(port), "/ws", deflate ? "deflate" : "plain",
                    modules.resolve("ws").toAbsolutePath().toString());
            try (PeerProcess node = PeerProcess.start(command, Map.of(), "echo on ws://", Duration.ofSeconds(20));
                    Client client = Client.create()) {
                exchange(client.webSocket("ws://127.0.0.1:" + port + "/ws",
                        CONFIG.toBuilder().permessageDeflate(deflate).build()));
            }
        });
    }

    @Test
    void echoesThroughAutobahn() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path python = PeerProcess.requireFile(Path.of("/usr/bin/python3"), "Debian's python3");
            int port = PeerProcess.freePort();
            try (PeerProcess autobahn = PeerProcess.start(List.of(python.toString(), "-c", AUTOBAHN_ECHO,
                    String.valueOf(port)), Map.of(), "autobahn echo on", Duration.ofSeconds(20));
                    Client client = Client.create()) {
                if (autobahn.output().seen().stream().anyMatch(line -> line.contains("No module named"))) {
                    PeerTools.missing("python3-autobahn");
                }
                exchange(client.webSocket("ws://127.0.0.1:" + port + "/", CONFIG.toBuilder()
                        .permessageDeflate(true).build()));
            }
        });
    }

    @Test
    void countsAndMirrorsWithTheLibwebsocketsTestServer() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path server = PeerTools.require("libwebsockets-test-server");
            int port = PeerProcess.freePort();
            String url = "ws://127.0.0.1:" + port + "/";
            try (PeerProcess lws = PeerProcess.start(List.of(server.toString(), "-p", String.valueOf(port), "-i",
                    "lo"), Map.of(), "LWS:", Duration.ofSeconds(20)).awaitListening(port);
                    Client client = Client.create();
                    WebSocket counter = client.webSocket(url, subprotocol("dumb-increment-protocol"));
                    WebSocket drawer = client.webSocket(url, subprotocol("lws-mirror-protocol"));
                    WebSocket watcher = client.webSocket(url, subprotocol("lws-mirror-protocol"))) {
                // dumb-increment: a rising number every 50 ms, from 0 again after "reset\n".
                assertEquals(Optional.of("dumb-increment-protocol"), counter.subprotocol());
                int first = Integer.parseInt(text(counter));
                for (int next = first + 1; next <= first + 4; next++) {
                    assertEquals(String.valueOf(next), text(counter));
                }
                counter.sendText("reset\n");
                int afterReset = Integer.parseInt(text(counter));
                for (int i = 0; afterReset != 0 && i < 3; i++) {
                    afterReset = Integer.parseInt(text(counter)); // numbers already on their way
                }
                assertEquals(0, afterReset);
                assertEquals("1", text(counter));

                // lws-mirror: each message goes to every connection on the protocol, the sender too.
                assertEquals(Optional.of("lws-mirror-protocol"), drawer.subprotocol());
                for (int i = 0; i < 5; i++) {
                    String circle = "c #00FF" + i + "0 " + (10 * i) + " 20 5;";
                    drawer.sendText(circle);
                    assertEquals(circle, text(drawer));
                    assertEquals(circle, text(watcher));
                }
                counter.close();
                drawer.close();
                watcher.close();
            }
        });
    }

    private static WebSocketConfig subprotocol(String name) {
        return CONFIG.toBuilder().subprotocols(List.of(name)).build();
    }

    private static String text(WebSocket webSocket) throws IOException {
        return ((WebSocketMessage.Text) webSocket.receive().orElseThrow()).text();
    }

    /** Text, a 1 MiB binary message three times, a streamed message, an empty one, then the closing handshake. */
    private static void exchange(WebSocket webSocket) throws Exception {
        webSocket.sendText("hello ☃");
        assertEquals(Optional.of(new WebSocketMessage.Text("hello ☃")), webSocket.receive());
        byte[] big = new byte[1 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7 / 1000);
        }
        for (int round = 0; round < 3; round++) {
            webSocket.sendBinary(big);
            assertArrayEquals(big, ((WebSocketMessage.Binary) webSocket.receive().orElseThrow()).bytes());
        }
        try (OutputStream stream = webSocket.binaryStream()) {
            for (int i = 0; i < 5; i++) {
                stream.write(big, i * 1000, 1000);
                stream.flush();
            }
        }
        assertEquals(5000, ((WebSocketMessage.Binary) webSocket.receive().orElseThrow()).bytes().length);
        webSocket.sendText("");
        assertEquals(Optional.of(new WebSocketMessage.Text("")), webSocket.receive());
        webSocket.close(1000, "done");
        assertEquals(Optional.empty(), webSocket.receive());
    }
}
