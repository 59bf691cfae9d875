package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.HeadlessChromium;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The WebSocket echo of {@code wisp serve} ({@code /ws}, started in-process) against real clients: node's
 * {@code ws} with and without permessage-deflate, Autobahn|Python, and headless Chromium loading {@code /ws.html}.
 */
class WebSocketEchoPeersIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String NODE_CLIENT = """
            const W = require(process.argv[3]);
            const w = new W(process.argv[1], { perMessageDeflate: process.argv[2] === 'deflate',
                rejectUnauthorized: false });
            let n = 0;
            w.on('open', () => { w.send('hi \\u2603'); w.send(Buffer.alloc(100000, 7)); });
            w.on('message', (m, binary) => {
              console.log((binary ? 'binary ' + m.length : 'text ' + escape(String(m))));
              if (++n === 2) w.close(1000, 'done');
            });
            w.on('close', code => console.log('closed ' + code + ' extensions=' + w.extensions.split(';')[0]));
            w.on('error', e => console.log('error ' + e.message));
            """;
    private static final String AUTOBAHN_CLIENT = """
            import asyncio, sys
            from autobahn.asyncio.websocket import WebSocketClientProtocol, WebSocketClientFactory
            class Client(WebSocketClientProtocol):
                def onOpen(self):
                    self.sendMessage("hi autobahn".encode("utf-8"), False)
                def onMessage(self, payload, isBinary):
                    print("echo", payload.decode("utf-8"), flush=True)
                    self.sendClose(1000)
                def onClose(self, wasClean, code, reason):
                    print("closed", wasClean, code, flush=True)
                    loop.stop()
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            factory = WebSocketClientFactory(sys.argv[1])
            factory.protocol = Client
            loop.run_until_complete(loop.create_connection(factory, "127.0.0.1", int(sys.argv[2])))
            loop.run_forever()
            """;

    @TempDir
    Path directory;
    private Server server;

    @BeforeEach
    void serve() throws UsageException {
        server = ServeCommand.start(List.of(directory.toString(), "--plain", "--port", "0"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    private String url() {
        return "ws://127.0.0.1:" + server.port() + "/ws";
    }

    @ParameterizedTest(name = "permessage-deflate={0}")
    @ValueSource(booleans = {false, true})
    void echoesToNodeWs(boolean deflate) {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path modules = PeerProcess.nodeModulesWithWs();
            PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), List.of(
                    PeerTools.require("node").toString(), "-e", NODE_CLIENT, url(), deflate ? "deflate" : "plain",
                    modules.resolve("ws").toAbsolutePath().toString()));
            assertEquals("text hi%20%u2603\nbinary 100000\nclosed 1000 extensions="
                    + (deflate ? "permessage-deflate" : "") + "\n", result.stdout(), result.stderr());
        });
    }

    /** The same echo over TLS (wss), on a server with a certificate made for the test. */
    @Test
    void echoesToNodeWsOverTls() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path modules = PeerProcess.nodeModulesWithWs();
            TestCertificate ca = TestCertificates.ca(KeyType.EC);
            TestCertificate certificate = TestCertificates.server(ca, KeyType.EC);
            try (Server tls = Server.create(ServerConfig.builder().port(0).tls(TlsConfig.builder()
                    .identity(TlsIdentity.pem(certificate.chainPem(), certificate.keys().pkcs8Pem())).build()).build(),
                    Router.builder().webSocket("/ws", WebSocketEcho.CONFIG, WebSocketEcho::open).build()).start()) {
                PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), List.of(
                        PeerTools.require("node").toString(), "-e", NODE_CLIENT,
                        "wss://localhost:" + tls.port() + "/ws", "deflate", modules.resolve("ws").toAbsolutePath()
                                .toString()));
                assertEquals("text hi%20%u2603\nbinary 100000\nclosed 1000 extensions=permessage-deflate\n",
                        result.stdout(), result.stderr());
            }
        });
    }

    @Test
    void echoesToAutobahn() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path python = PeerProcess.requireFile(Path.of("/usr/bin/python3"), "Debian's python3");
            PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), List.of(python.toString(), "-c",
                    AUTOBAHN_CLIENT, url(), String.valueOf(server.port())));
            if (result.stderr().contains("No module named 'autobahn'")) {
                PeerTools.missing("python3-autobahn (apt)");
            }
            assertEquals("echo hi autobahn\nclosed True 1000\n", result.stdout(), result.stderr());
        });
    }

    /** Chromium loads /ws.html, whose script echoes a message over /ws and reports it to a second server. */
    @Test
    void echoesToHeadlessChromium() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.require("chromium");
            BlockingQueue<String> reports = new ArrayBlockingQueue<>(4);
            try (Server reportServer = Server.create(ServerConfig.builder().port(0).build(), Router.builder()
                    .get("/report", (request, response) -> {
                        reports.add(request.queryParameter("echoed").orElse(""));
                        response.send("thanks\n");
                    }).build()).start()) {
                String page = "http://127.0.0.1:" + server.port() + "/ws.html?message=from+chromium&report="
                        + "http://127.0.0.1:" + reportServer.port() + "/report";
                try (HeadlessChromium browser = HeadlessChromium.open(directory, page)) {
                    String echoed = reports.poll(45, TimeUnit.SECONDS);
                    assertEquals("from chromium", echoed,
                            () -> "no report from the page; chromium said: " + browser.log());
                }
            }
        });
    }

    /**
     * {@code wisp serve} as it runs by default, over HTTPS with HTTP/2: Chromium loads /ws.html over h2 and opens the
     * page's WebSocket on that connection (RFC 8441), then reports the echo to /echo on it, as the access log shows.
     * Its self-signed certificate is not in Chromium's store, hence {@code --ignore-certificate-errors}.
     */
    @Test
    void echoesToHeadlessChromiumOverHttp2() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.require("chromium");
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            try (Server https = ServeCommand.start(List.of(directory.toString(), "--port", "0"),
                    new PrintStream(printed, true, StandardCharsets.UTF_8))) {
                String page = "https://127.0.0.1:" + https.port() + "/ws.html?message=from+chromium&report=/echo";
                try (HeadlessChromium browser = HeadlessChromium.open(directory, page, "--ignore-certificate-errors")) {
                    String report = "\"GET /echo?echoed=from%20chromium HTTP/2\" 200 ";
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
                    while (!printed.toString(StandardCharsets.UTF_8).contains(report)
                            && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    String log = printed.toString(StandardCharsets.UTF_8);
                    assertTrue(log.contains(report), () -> log + "\nchromium said: " + browser.log());
                    assertTrue(log.contains("\"GET /ws.html?message=from+chromium&report=/echo HTTP/2\" 200 "), log);
                    assertTrue(log.contains("\"CONNECT /ws HTTP/2\" 200 "), log);
                }
            }
        });
    }
}
