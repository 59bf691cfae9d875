package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketHandshakeException;
import dev.wisp.websocket.WebSocketMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The client's checks of a 101 (RFC 6455 §4.1, the client's requirements on the server's answer), against a server
 * scripted on a real loopback socket: an answer without {@code Upgrade: websocket} or without the {@code upgrade}
 * token in {@code Connection}, without the right {@code Sec-WebSocket-Accept}, or agreeing to an extension or a
 * subprotocol that was not offered fails with a {@link WebSocketHandshakeException} saying which, and the client
 * closes the connection, whether it was opened for the WebSocket or upgraded after a request. Field names and the
 * {@code websocket} and {@code upgrade} tokens match in any case; interim responses before the 101 are skipped.
 */
class WebSocketHandshakeChecksIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final WebSocketConfig CHAT = WebSocketConfig.builder().subprotocols(List.of("chat")).build();
    /** Where the answer has the accept value of the request's key. */
    private static final String ACCEPT = "{accept}";
    private static final String AGREED = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: {accept}\r\n";

    static Stream<Arguments> wrongAnswers() {
        return Stream.of(
                arguments("no Upgrade", "Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n",
                        "101 response without Upgrade: websocket (no Upgrade field)"),
                arguments("Upgrade: h2c", "Upgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n",
                        "101 response without Upgrade: websocket (Upgrade: h2c)"),
                arguments("no Connection", "Upgrade: websocket\r\nSec-WebSocket-Accept: {accept}\r\n",
                        "101 response without the 'upgrade' token in Connection (no Connection field)"),
                arguments("Connection: keep-alive",
                        "Upgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Accept: {accept}\r\n",
                        "101 response without the 'upgrade' token in Connection (Connection: keep-alive)"),
                arguments("no Sec-WebSocket-Accept", "Upgrade: websocket\r\nConnection: Upgrade\r\n",
                        "101 response without Sec-WebSocket-Accept"),
                arguments("the accept value of another key", "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n",
                        "Sec-WebSocket-Accept does not match the key sent"),
                arguments("an extension not offered", AGREED + "Sec-WebSocket-Extensions: permessage-deflate\r\n",
                        "the server answered an extension that was not offered: permessage-deflate"),
                arguments("a subprotocol not offered", AGREED + "Sec-WebSocket-Protocol: mqtt\r\n",
                        "the server chose a subprotocol that was not offered: mqtt (offered: chat)"),
                arguments("two subprotocols", AGREED + "Sec-WebSocket-Protocol: chat, mqtt\r\n",
                        "the server chose more than one subprotocol: chat, mqtt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongAnswers")
    void aWebSocketByUrlFailsAWrongAnswerAndClosesItsConnection(String name, String fields, String message) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Client client = Client.create()) {
                CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> answer(listener, fields, 0));
                WebSocketHandshakeException e = assertThrows(WebSocketHandshakeException.class,
                        () -> client.webSocket("ws://127.0.0.1:" + listener.getLocalPort() + "/", CHAT));
                assertEquals(message, e.getMessage());
                assertTrue(closed.get(10, TimeUnit.SECONDS), "the client closes the connection");
                assertEquals(0, client.openConnections());
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongAnswers")
    void anUpgradedConnectionFailsAWrongAnswerAndCloses(String name, String fields, String message) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    ClientConnection connection = ClientConnection.connect(
                            Origin.plaintext("127.0.0.1", listener.getLocalPort()))) {
                CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> answer(listener, fields, 1));
                Request request = Request.get(connection.origin().uri("/").toString());
                assertEquals("ok", connection.send(request).text(), "a request before the upgrade");
                WebSocketHandshakeException e = assertThrows(WebSocketHandshakeException.class,
                        () -> connection.upgradeToWebSocket(request, CHAT));
                assertEquals(message, e.getMessage());
                assertTrue(closed.get(10, TimeUnit.SECONDS), "the client closes the connection");
                assertFalse(connection.isConnected());
                assertThrows(ConnectionClosedException.class, () -> connection.send(request));
            }
        });
    }

    @Test
    void acceptsTheTokensAndFieldNamesInAnyCase() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Client client = Client.create()) {
                CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> answer(listener,
                        "upgrade: WebSocket\r\nCONNECTION: keep-alive, UPGRADE\r\nsec-websocket-accept: {accept}\r\n"
                                + "SEC-WEBSOCKET-PROTOCOL: chat\r\n", 0, "81026869"));
                try (WebSocket webSocket = client.webSocket("ws://127.0.0.1:" + listener.getLocalPort() + "/",
                        CHAT)) {
                    assertEquals(Optional.of("chat"), webSocket.subprotocol());
                    assertEquals(Optional.of(new WebSocketMessage.Text("hi")), webSocket.receive());
                }
                assertTrue(closed.get(10, TimeUnit.SECONDS), "the client's close frame");
            }
        });
    }

    /** RFC 9110 §15.2: a client skips a 1xx it did not expect; the 101 that follows opens the WebSocket. */
    @Test
    void skipsInterimResponsesBeforeThe101() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Client client = Client.create()) {
                CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> answer(listener, AGREED, 0,
                        "81026869", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n"
                                + "Link: </style.css>; rel=preload\r\n\r\n"));
                try (WebSocket webSocket = client.webSocket("ws://127.0.0.1:" + listener.getLocalPort() + "/", CHAT)) {
                    assertEquals(Optional.of(new WebSocketMessage.Text("hi")), webSocket.receive());
                }
                assertTrue(closed.get(10, TimeUnit.SECONDS), "the client's close frame");
                CompletableFuture<Boolean> endless = CompletableFuture.supplyAsync(() -> answer(listener, AGREED, 0,
                        "", "HTTP/1.1 103 Early Hints\r\n\r\n".repeat(16)));
                HttpCallException tooMany = assertThrows(HttpCallException.class,
                        () -> client.webSocket("ws://127.0.0.1:" + listener.getLocalPort() + "/", CHAT));
                assertTrue(tooMany.getMessage().contains("more than 16 interim responses"), tooMany.getMessage());
                assertTrue(endless.get(10, TimeUnit.SECONDS), "the client closes the connection");
            }
        });
    }

    private static boolean answer(ServerSocket listener, String fields, int requestsBefore) {
        return answer(listener, fields, requestsBefore, "");
    }

    private static boolean answer(ServerSocket listener, String fields, int requestsBefore, String frameHex) {
        return answer(listener, fields, requestsBefore, frameHex, "");
    }

    /**
     * Answers {@code requestsBefore} plain requests with 200 "ok", then the upgrade with a 101 of these fields and
     * then the frame given in hex, if any: returns whether the client closed the connection within ten seconds, or,
     * after a frame, whether the client's close frame came (then answered, and the connection closed).
     */
    private static boolean answer(ServerSocket listener, String fields, int requestsBefore, String frameHex,
            String interim) {
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < requestsBefore; i++) {
                ScriptedWebSocketServer.readHead(in);
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            String head = ScriptedWebSocketServer.readHead(in);
            out.write((interim + "HTTP/1.1 101 Switching Protocols\r\n"
                    + fields.replace(ACCEPT, ScriptedWebSocketServer.accept(head)) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (!frameHex.isEmpty()) {
                out.write(HexFormat.of().parseHex(frameHex));
                out.flush();
                byte[] close = in.readNBytes(8); // the client's close frame, masked: 88 82, the key, the code
                out.write(HexFormat.of().parseHex("880203e8"));
                out.flush();
                return close.length == 8 && (close[0] & 0xff) == 0x88; // and the server closes first (§7.1.1)
            }
            while (in.read() >= 0) {
                // a close frame after a WebSocket that opened, then the end of the stream
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset: closed by the client too
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
