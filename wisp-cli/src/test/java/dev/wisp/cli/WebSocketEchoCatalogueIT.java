package dev.wisp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Server;
import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.ScriptedWebSocketPeer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebSocket echo of {@code wisp serve} ({@code /ws}, started in-process), the endpoint the Autobahn catalogue's
 * fuzzing client is pointed at, under what its sections 9, 12 and 13 send: the largest message of section 9
 * (16 MiB, the echo's limit) echoed and one byte more failed with 1009, and Autobahn|Python itself offering
 * permessage-deflate with each parameter set of section 13, the echo agreeing to each (a 9-bit window too, which
 * Autobahn inflates with a 9-bit zlib window: an echo that referred further back would not inflate), echoing
 * messages of 16 bytes to 128 KiB, whole and auto-fragmented in frames of 256 bytes, each sent twice so that a window
 * kept between messages matters.
 */
class WebSocketEchoCatalogueIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final int ECHO_LIMIT = WebSocketEcho.CONFIG.maxMessageBytes();
    private static final String AUTOBAHN_OFFERS = """
            import asyncio, sys
            from autobahn.asyncio.websocket import WebSocketClientProtocol, WebSocketClientFactory
            from autobahn.websocket.compress import (PerMessageDeflateOffer, PerMessageDeflateResponse,
                PerMessageDeflateResponseAccept)
            def offer(no_context_takeover, max_window_bits):
                return PerMessageDeflateOffer(request_no_context_takeover=no_context_takeover,
                                              request_max_window_bits=max_window_bits)
            CASES = [[offer(False, 0)], [offer(True, 0)], [offer(False, 9)], [offer(False, 15)], [offer(True, 9)],
                     [offer(True, 15)], [offer(True, 9), offer(True, 0), offer(False, 0)]]
            def accept(response):
                if isinstance(response, PerMessageDeflateResponse):
                    return PerMessageDeflateResponseAccept(response)
            def text(size):
                chunks, length, i = [], 0, 0
                while length < size:
                    chunks.append('{"id": %d, "name": "item %d", "tags": ["a", "b"]}, ' % (i * 7919 % 100000, i))
                    length += len(chunks[-1])
                    i += 1
                return ''.join(chunks)[:size].encode('utf-8')
            MESSAGES = [(text(n), fragment) for fragment in (0, 256) for n in (16, 1024, 16384, 131072) for _ in (0, 1)]
            class Client(WebSocketClientProtocol):
                def onConnect(self, response):
                    self.agreed = response.headers.get('sec-websocket-extensions', '')
                    self.echoed = 0
                def onOpen(self):
                    self.sendNext()
                def sendNext(self):
                    payload, self.autoFragmentSize = MESSAGES[self.echoed]
                    self.sendMessage(payload, False)
                def onMessage(self, payload, isBinary):
                    if payload != MESSAGES[self.echoed][0] or isBinary:
                        self.sendClose(1000)
                        return
                    self.echoed += 1
                    if self.echoed == len(MESSAGES):
                        self.sendClose(1000)
                    else:
                        self.sendNext()
                def onClose(self, wasClean, code, reason):
                    self.factory.done.set_result('[%s] echoed %d, closed %s %s'
                                                 % (getattr(self, 'agreed', ''), getattr(self, 'echoed', 0),
                                                    wasClean, code))
            async def main():
                for case in CASES:
                    factory = WebSocketClientFactory(sys.argv[1])
                    factory.protocol = Client
                    factory.setProtocolOptions(perMessageCompressionOffers=case, perMessageCompressionAccept=accept)
                    factory.done = asyncio.get_running_loop().create_future()
                    await asyncio.get_running_loop().create_connection(factory, '127.0.0.1', int(sys.argv[2]))
                    try:
                        print(await asyncio.wait_for(factory.done, 10), flush=True)
                    except asyncio.TimeoutError:
                        print('timed out, an echo did not inflate', flush=True)
            asyncio.run(main())
            """;

    @TempDir
    static Path directory;
    private static Server server;

    @BeforeAll
    static void serve() throws UsageException {
        server = ServeCommand.start(List.of(directory.toString(), "--plain", "--port", "0"),
                new PrintStream(new ByteArrayOutputStream(), true, UTF_8));
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void echoesTheLargestMessageOfSection9AndFailsOneByteMoreWith1009() {
        byte[] text = "*".repeat(ECHO_LIMIT).getBytes(UTF_8);
        assertEquals(16 << 20, text.length, "the catalogue's largest message, 9.1.6");
        assertTimeoutPreemptively(LIMIT, () -> {
            try (var peer = ScriptedWebSocketPeer.open(server.port(), "/ws")) {
                peer.raw().send(ScriptedWebSocketPeer.frame(true, 0, ScriptedWebSocketPeer.TEXT, text, true));
                assertArrayEquals(text, peer.readMessage().payload());
                peer.raw().send(ScriptedWebSocketPeer.frame(false, 0, ScriptedWebSocketPeer.BINARY, text, true));
                byte[] more = ScriptedWebSocketPeer.frame(true, 0, ScriptedWebSocketPeer.CONTINUATION, new byte[1],
                        true);
                peer.raw().send(Arrays.copyOf(more, 6)); // one byte more announced: 1009 at the frame's header
                assertEquals(1009, peer.readClose().closeCode());
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)));
            }
        });
    }

    @Test
    void agreesToAutobahnsDeflateOffersItCanHonourAndEchoesWithEach() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path python = PeerProcess.requireFile(Path.of("/usr/bin/python3"), "Debian's python3");
            PeerTools.Result result = PeerTools.run(Duration.ofSeconds(45), List.of(python.toString(), "-c",
                    AUTOBAHN_OFFERS, "ws://127.0.0.1:" + server.port() + "/ws", String.valueOf(server.port())));
            if (result.stderr().contains("No module named 'autobahn'")) {
                PeerTools.missing("python3-autobahn (apt)");
            }
            String echoed = " echoed 16, closed True 1000\n";
            assertEquals("[permessage-deflate; client_no_context_takeover]" + echoed
                    + "[permessage-deflate; server_no_context_takeover; client_no_context_takeover]" + echoed
                    + "[permessage-deflate; client_no_context_takeover; server_max_window_bits=9]" + echoed
                    + "[permessage-deflate; client_no_context_takeover; server_max_window_bits=15]" + echoed
                    + "[permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                    + "server_max_window_bits=9]" + echoed
                    + "[permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                    + "server_max_window_bits=15]" + echoed
                    + "[permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                    + "server_max_window_bits=9]" + echoed,
                    result.stdout(), result.stderr());
        });
    }
}
