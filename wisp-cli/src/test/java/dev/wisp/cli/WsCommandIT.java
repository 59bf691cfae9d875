package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.OutputLines;
import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.WebSocketMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code wisp ws} in-process: against {@code wisp serve}'s echo (lines out, echoes printed, a clean close when
 * stdin ends; with --binary any bytes, and a text line that is not UTF-8 refused), a refused upgrade, an upgrade
 * answered with half a status line (exit 56), a server closing with a clean or an error status (the exit code), a
 * header the upgrade owns or a bad subprotocol (usage errors), and libwebsockets' test server (its dumb-increment
 * protocol counts up; {@code --max-messages} ends the session); {@code -n} waiting for a late answer, {@code -v}'s
 * heads and {@code --ping-interval}'s pings.
 */
class WsCommandIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path directory;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int ws(InputStream stdin, String... arguments) throws UsageException {
        return new WsCommand(stdin, Map.of()).run(List.of(arguments),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Server serve() throws UsageException {
        return ServeCommand.start(List.of(directory.toString(), "--plain", "--port", "0"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void sendsEachLineAndPrintsEachEchoThenClosesWhenStdinEnds() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = serve()) {
                InputStream stdin = new ByteArrayInputStream("one\ntwo ☃\n".getBytes(StandardCharsets.UTF_8));
                // The echoes may come before or after stdin ends; the close waits for both to be printed.
                int code = ws(stdin, "ws://127.0.0.1:" + server.port() + "/ws");
                assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
                assertEquals("one\ntwo ☃\n", out.toString(StandardCharsets.UTF_8));
            }
        });
    }

    @Test
    void exitsWith23WhenStandardOutputCannotTakeTheMessages() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = serve()) {
                // A full disk: the first messages fit, the next fail. They were lost unsaid, and the exit was 0.
                OutputStream full = new OutputStream() {
                    private int room = 40;

                    @Override
                    public void write(int b) throws IOException {
                        if (room-- <= 0) {
                            throw new IOException("No space left on device");
                        }
                        out.write(b);
                    }
                };
                String lines = "message\n".repeat(1000);
                int code = new WsCommand(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)), Map.of())
                        .run(List.of("ws://127.0.0.1:" + server.port() + "/ws"), new PrintStream(full, true,
                                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
                String told = err.toString(StandardCharsets.UTF_8);
                assertEquals(23, code, told);
                assertTrue(told.contains("wisp ws: cannot write the output"), told);
            }
        });
    }

    @Test
    void sendsEachLinesBytesAsTheyAreWithBinary() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = serve()) {
                // Not UTF-8, a CR kept inside a line, a CRLF line end; the echoes are printed as their bytes.
                byte[] lines = {(byte) 0xff, (byte) 0xfe, '\n', 'a', '\r', 'b', '\r', '\n', (byte) 0x80};
                int code = ws(new ByteArrayInputStream(lines), "--binary", "ws://127.0.0.1:" + server.port() + "/ws");
                assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
                assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xfe, '\n', 'a', '\r', 'b', '\n', (byte) 0x80, '\n'},
                        out.toByteArray());
            }
        });
    }

    @Test
    void refusesATextLineThatIsNotUtf8RatherThanSendReplacementCharacters() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = serve()) {
                byte[] lines = {'o', 'k', '\n', (byte) 0xff, (byte) 0xfe, '\n', 'n', 'e', 'v', 'e', 'r', '\n'};
                int code = ws(new ByteArrayInputStream(lines), "ws://127.0.0.1:" + server.port() + "/ws");
                assertEquals(1, code, err.toString(StandardCharsets.UTF_8));
                assertEquals("wisp ws: line 2 of standard input is not UTF-8; --binary sends its bytes as they are\n",
                        err.toString(StandardCharsets.UTF_8));
                assertEquals("ok\n", out.toString(StandardCharsets.UTF_8));
            }
        });
    }

    @Test
    void exitsWith22AndTheStatusWhenTheUpgradeIsRefused() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = serve()) {
                int code = ws(InputStream.nullInputStream(), "ws://127.0.0.1:" + server.port() + "/nowhere");
                assertEquals(22, code);
                assertTrue(err.toString(StandardCharsets.UTF_8).contains("refused: 404"),
                        err.toString(StandardCharsets.UTF_8));
            }
        });
    }

    @Test
    void exitsWith56AndSaysWhyWhenTheUpgradesAnswerIsCutShort() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Thread.ofVirtual().start(() -> {
                    try (Socket socket = listener.accept()) {
                        socket.getInputStream().read(new byte[4096]); // the upgrade request, or enough of it
                        socket.getOutputStream().write("HTTP/1.1 10".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // the test sees what the client made of it
                    }
                });
                int code = ws(InputStream.nullInputStream(), "ws://127.0.0.1:" + listener.getLocalPort() + "/x");
                assertEquals(56, code, err.toString(StandardCharsets.UTF_8));
                assertEquals("wisp ws: connection to http://127.0.0.1:" + listener.getLocalPort() + " closed before"
                        + " the response: stream ended in the middle of a line\n",
                        err.toString(StandardCharsets.UTF_8));
            }
        });
    }

    @Test
    void printsTheServersCloseReasonEscaped() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Router router = Router.builder()
                    .blockingWebSocket("/hostile", WebSocketConfig.defaults(), (request, webSocket) ->
                            // a terminal title, a clear, a right-to-left override; and text beyond ASCII
                            webSocket.close(4000, "\u001b]0;owned\u0007\u001b[2J\u202e \u00fcber \u65e5\u672c"))
                    .build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), router).start()) {
                int code = ws(InputStream.nullInputStream(), "ws://127.0.0.1:" + server.port() + "/hostile");
                assertEquals(3, code, err.toString(StandardCharsets.UTF_8));
                assertEquals("wisp ws: closed by the server: 4000 \\x1b]0;owned\\x07\\x1b[2J\\u202e \u00fcber"
                        + " \u65e5\u672c\n",
                        err.toString(StandardCharsets.UTF_8));
            }
        });
    }

    @ParameterizedTest
    @CsvSource({"1000, 0", "1001, 0", "1002, 3", "1008, 3", "1011, 3"})
    void exitsWith3WhenTheServerClosesWithAnErrorStatus(int closeCode, int exitCode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            Router router = Router.builder()
                    .blockingWebSocket("/close", WebSocketConfig.defaults(), (request, webSocket) ->
                            webSocket.close(closeCode, "closing"))
                    .build();
            // Standard input stays open: the server ends the session, not the end of input.
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), router).start();
                    PipedOutputStream typing = new PipedOutputStream();
                    PipedInputStream stdin = new PipedInputStream(typing)) {
                int code = ws(stdin, "ws://127.0.0.1:" + server.port() + "/close");
                assertEquals(exitCode, code, err.toString(StandardCharsets.UTF_8));
                assertEquals(closeCode == 1000 ? "" : "wisp ws: closed by the server: " + closeCode + " closing\n",
                        err.toString(StandardCharsets.UTF_8));
            }
        });
    }

    /** -u answers the server's challenge to the upgrade, as wisp get's -u answers a request's. */
    @Test
    void answersTheUpgradesChallengeWithUser() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Router router = Router.builder()
                    .blockingWebSocket("/private", WebSocketConfig.defaults(), (request, webSocket) -> {
                        String authorization = request.headers().firstOrNull("Authorization");
                        webSocket.sendText(new String(Base64.getDecoder().decode(
                                authorization.substring("Basic ".length())), StandardCharsets.UTF_8));
                        webSocket.close(1000, "");
                    })
                    .build();
            HttpService service = HttpService.builder(router).filter((request, response, next) -> {
                if (request.headers().contains("Authorization")) {
                    next.handle(request, response);
                } else {
                    response.status(401).header("WWW-Authenticate", "Basic realm=\"ws\"").send("");
                }
            }).build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), service).start()) {
                String url = "ws://127.0.0.1:" + server.port() + "/private";
                assertEquals(22, ws(InputStream.nullInputStream(), "-n", url), err.toString(StandardCharsets.UTF_8));
                out.reset();
                int code = ws(InputStream.nullInputStream(), "-n", "-u", "alice:secret", url);
                assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
                assertEquals("alice:secret\n", out.toString(StandardCharsets.UTF_8));
            }
        });
    }

    @Test
    void answersAHeaderTheUpgradeSetsItselfWithAUsageError() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = serve()) {
                UsageException e = assertThrows(UsageException.class, () -> ws(InputStream.nullInputStream(),
                        "ws://127.0.0.1:" + server.port() + "/ws", "-H", "Connection: close"));
                assertTrue(e.getMessage().startsWith("option --header: the WebSocket upgrade sets Connection"),
                        e.getMessage());
            }
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a b       | subprotocols must be tokens: 'a b'",
            "chat,chat | subprotocols must be unique: [chat, chat]"})
    void answersABadSubprotocolWithAUsageError(String subprotocols, String message) {
        List<String> arguments = new ArrayList<>(List.of("ws://127.0.0.1:1/ws"));
        for (String subprotocol : subprotocols.split(",")) {
            arguments.addAll(List.of("--subprotocol", subprotocol));
        }
        UsageException e = assertThrows(UsageException.class,
                () -> ws(InputStream.nullInputStream(), arguments.toArray(String[]::new)));
        assertEquals("option --subprotocol: " + message, e.getMessage());
    }

    @Test
    void countsWithTheLibwebsocketsTestServer() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path server = PeerTools.require("libwebsockets-test-server");
            int port = PeerProcess.freePort();
            Pipe printed = Pipe.open();
            try (PeerProcess lws = PeerProcess.start(List.of(server.toString(), "-p", String.valueOf(port), "-i",
                    "lo"), Map.of(), "LWS:", Duration.ofSeconds(20)).awaitListening(port);
                    PipedOutputStream typing = new PipedOutputStream();
                    PipedInputStream stdin = new PipedInputStream(typing);
                    // An OS pipe, not a PipedInputStream: that fails a read ("Write end dead") once the thread that
                    // wrote last has ended, and each message here is printed by the thread that its arrival started.
                    InputStream printedIn = Channels.newInputStream(printed.source());
                    PrintStream stdout = new PrintStream(Channels.newOutputStream(printed.sink()), true,
                            StandardCharsets.UTF_8)) {
                OutputLines lines = OutputLines.follow(printedIn);
                List<String> arguments = List.of("ws://127.0.0.1:" + port + "/", "--subprotocol",
                        "dumb-increment-protocol");
                Thread client = Thread.ofVirtual().start(() -> {
                    try {
                        new WsCommand(stdin, Map.of()).run(arguments, stdout,
                                new PrintStream(err, true, StandardCharsets.UTF_8));
                    } catch (UsageException e) {
                        throw new AssertionError(e);
                    }
                });
                // dumb-increment sends a rising number every 50 ms.
                String firstLine;
                try {
                    firstLine = lines.await("", Duration.ofSeconds(10));
                } catch (AssertionError none) {
                    throw new AssertionError(none.getMessage() + "; wisp ws said: " + err.toString(
                            StandardCharsets.UTF_8) + "; the server: " + lws.output().seen(), none);
                }
                int first = Integer.parseInt(firstLine);
                for (int next = first + 1; next <= first + 4; next++) {
                    assertEquals(String.valueOf(next), lines.await("", Duration.ofSeconds(5)));
                }
                typing.close();
                client.join();
            }
        });
    }

    @Test
    void closesOnceTheMessagesCameWithMaxMessagesFromTheLibwebsocketsTestServer() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path server = PeerTools.require("libwebsockets-test-server");
            int port = PeerProcess.freePort();
            try (PeerProcess lws = PeerProcess.start(List.of(server.toString(), "-p", String.valueOf(port), "-i",
                    "lo"), Map.of(), "LWS:", Duration.ofSeconds(20)).awaitListening(port);
                    PipedOutputStream typing = new PipedOutputStream();
                    PipedInputStream stdin = new PipedInputStream(typing)) {
                // Standard input stays open: the count ends the session, with a close the server answers.
                int code = ws(stdin, "ws://127.0.0.1:" + port + "/", "--subprotocol", "dumb-increment-protocol",
                        "--max-messages", "5");
                assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
                List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
                assertEquals(5, lines.size(), lines.toString());
                int first = Integer.parseInt(lines.getFirst());
                for (int i = 1; i < 5; i++) {
                    assertEquals(String.valueOf(first + i), lines.get(i));
                }
            }
        });
    }

    @Test
    void waitsForALateAnswerWithNoCloseAndShowsTheUpgradeWithVerbose() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Router router = Router.builder()
                    .blockingWebSocket("/late", WebSocketConfig.defaults(), (request, webSocket) -> {
                        String asked = ((WebSocketMessage.Text) webSocket.receive().orElseThrow()).text();
                        try {
                            Thread.sleep(300); // standard input has long ended
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        webSocket.sendText("late " + asked);
                        webSocket.sendText("and more");
                        while (webSocket.receive().isPresent()) {
                            // until the client closes
                        }
                    })
                    .build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), router).start()) {
                InputStream stdin = new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8));
                int code = ws(stdin, "-vn1", "ws://127.0.0.1:" + server.port() + "/late");
                String said = err.toString(StandardCharsets.UTF_8);
                assertEquals(0, code, said);
                assertEquals("late hello\n", out.toString(StandardCharsets.UTF_8));
                assertTrue(said.contains("> GET /late HTTP/1.1\n") && said.contains("> Upgrade: websocket\n")
                        && said.contains("< HTTP/1.1 101 Switching Protocols\n"), said);
            }
        });
    }

    @Test
    void pingsAnIdleServerWithPingInterval() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CountDownLatch pinged = new CountDownLatch(2);
            Router router = Router.builder()
                    .webSocket("/quiet", WebSocketConfig.defaults(), request -> new WebSocketListener() {
                        @Override
                        public void onPing(WebSocket webSocket, byte[] payload) {
                            pinged.countDown();
                        }
                    })
                    .build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), router).start();
                    PipedOutputStream typing = new PipedOutputStream();
                    PipedInputStream stdin = new PipedInputStream(typing)) {
                Thread client = Thread.ofVirtual().start(() -> {
                    try {
                        ws(stdin, "--ping-interval", "0.2", "ws://127.0.0.1:" + server.port() + "/quiet");
                    } catch (UsageException e) {
                        throw new AssertionError(e);
                    }
                });
                assertTrue(pinged.await(5, TimeUnit.SECONDS), "no pings from an idle wisp ws");
                typing.close();
                client.join();
                assertEquals("", err.toString(StandardCharsets.UTF_8));
            }
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--max-messages,0       | option --max-messages must be a number from 1 to 2147483647: '0'",
            "-1,--max-messages,2    | -1 and --max-messages cannot be combined: choose one count",
            "--ping-interval,soon   | option --ping-interval must be a positive number of seconds: 'soon'"})
    void answersABadCountOrIntervalWithAUsageError(String arguments, String message) {
        List<String> all = new ArrayList<>(List.of(arguments.split(",")));
        all.add("ws://127.0.0.1:1/ws");
        UsageException e = assertThrows(UsageException.class,
                () -> ws(InputStream.nullInputStream(), all.toArray(String[]::new)));
        assertEquals(message, e.getMessage());
    }
}
