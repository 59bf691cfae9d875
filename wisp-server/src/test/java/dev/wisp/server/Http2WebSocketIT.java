package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.testing.TestTransport;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.WebSocketMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WebSockets over HTTP/2 (RFC 8441) with Python's h2 as the client, {@code src/test/python/h2_websocket_client.py},
 * which writes and reads the WebSocket frames itself, over h2c and over TLS (h2 by ALPN): the setting announced, an
 * extended CONNECT answered 200 on the same routes as HTTP/1.1's upgrade, echoes both ways, masking enforced, the
 * closing handshake ending the stream both ways, the client's reset ending the session, {@code :protocol} on a GET
 * refused, the version checked, subprotocol and permessage-deflate agreed, a WebSocket beside ordinary streams on
 * one connection, WebSockets that read nothing holding up their own streams only, and a server that stops.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes, its cases too: they mostly wait for Python to start
class Http2WebSocketIT {
    /** What the server's WebSocket listeners saw: the protocol each was opened over, and how each ended. */
    private final BlockingQueue<Version> opened = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> ended = new LinkedBlockingQueue<>();

    @BeforeAll
    static void requireH2() throws Exception {
        assumeFalse(TestTransport.isTls(), "these tests choose TLS or plaintext per server themselves");
        PythonH2.require();
    }

    private InteropServer start(boolean tls) {
        return start(tls, config -> { });
    }

    private InteropServer start(boolean tls, Consumer<ServerConfig.Builder> adjust) {
        AtomicReference<InteropServer> server = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        WebSocketConfig config = WebSocketConfig.builder().subprotocols(List.of("chat.v1", "chat.v2"))
                .permessageDeflate(true).build();
        Router.Builder routes = Router.builder()
                .webSocket("/ws/echo", config, request -> {
                    opened.add(request.protocol());
                    return echo(server);
                })
                .webSocket("/ws/refused", config, request -> {
                    throw new HttpProtocolException(Status.FORBIDDEN, "not for you");
                })
                .webSocket("/ws/small", WebSocketConfig.builder().maxFrameBytes(1024).maxMessageBytes(1024).build(),
                        request -> echo(server))
                .webSocket("/ws/ping", WebSocketConfig.builder().pingInterval(Duration.ofMillis(100))
                        .pongTimeout(Duration.ofMillis(200)).build(), request -> echo(server))
                .blockingWebSocket("/ws/stall", WebSocketConfig.defaults(), (request, webSocket) -> {
                    opened.add(request.protocol());
                    try {
                        assertTrue(release.await(20, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    Optional<WebSocketMessage> message = webSocket.receive();
                    webSocket.sendText(Integer.toString(((WebSocketMessage.Binary) message.orElseThrow()).bytes()
                            .length));
                    ended.add(webSocket.receive().isEmpty() ? "close" : "more");
                })
                .blockingWebSocket("/ws/shut", WebSocketConfig.defaults(), (request, webSocket) -> {
                    webSocket.receive();
                    try {
                        webSocket.sendBinary(new byte[64 * 1024]);
                    } catch (IOException e) {
                        ended.add("send failed " + e.getClass().getSimpleName());
                    }
                    // A handler that goes on after its send failed: the reset stream ends its reads too.
                    ended.add(webSocket.receive().isEmpty() ? "ended" : "more");
                })
                .get("/release", (request, response) -> {
                    release.countDown();
                    response.send("released\n");
                })
                .get("/websockets-open", (request, response) -> response.send(server.get().stats()
                        .openWebSockets() + "\n"));
        server.set(InteropServer.start(tls, routes, adjust));
        return server.get();
    }

    /**
     * Echoes text and binary messages, stops the server on "stop", closes on "bye", and records how the session
     * ended.
     */
    private WebSocketListener echo(AtomicReference<InteropServer> server) {
        return new WebSocketListener() {
            @Override
            public void onText(WebSocket webSocket, String text) throws IOException {
                if (text.equals("stop")) {
                    Thread.ofVirtual().start(() -> server.get().close());
                    return;
                }
                if (text.equals("bye")) {
                    webSocket.close(1000, "bye");
                    return;
                }
                webSocket.sendText(text);
            }

            @Override
            public void onBinary(WebSocket webSocket, byte[] bytes) throws IOException {
                webSocket.sendBinary(bytes);
            }

            @Override
            public void onClose(WebSocket webSocket, int code, String reason) {
                ended.add("close " + code);
            }

            @Override
            public void onError(WebSocket webSocket, IOException error) {
                ended.add("error " + error.getClass().getSimpleName());
            }
        };
    }

    /** Runs the script's case against the server; returns its facts, the last value of each name. */
    private static Map<String, String> run(InteropServer server, String scenario) throws Exception {
        Map<String, String> facts = new LinkedHashMap<>();
        PythonH2.run(server, "h2_websocket_client.py", scenario).forEach((name, values) -> facts.put(name,
                values.get(values.size() - 1)));
        return facts;
    }

    private String nextEnd() throws InterruptedException {
        String end = ended.poll(10, TimeUnit.SECONDS);
        assertNotNull(end, "the session ended");
        return end;
    }

    /** {@link Server#stats()} counts the WebSockets open on the streams of a connection, and no more once they end. */
    @Test
    void theServersStatsCountTheWebSocketsOpenOnStreams() throws Exception {
        try (InteropServer server = start(false)) {
            Map<String, String> facts = run(server, "count");
            assertEquals("2", facts.get("open"), facts.toString());
            assertEquals("1000", facts.get("close"), facts.toString());
            assertEquals("1", facts.get("open-after-close"), facts.toString());
            assertEquals("0", facts.get("open-after-reset"), facts.toString());
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void echoesTextAndBinaryAndEndsTheStreamBothWaysAfterTheClosingHandshake(boolean tls) throws Exception {
        try (InteropServer server = start(tls)) {
            Map<String, String> facts = run(server, "echo");
            assertEquals("1", facts.get("enable-connect-protocol"), facts::toString);
            assertEquals("200", facts.get("status"), facts::toString);
            assertEquals("None", facts.get("accept-header"), "no Sec-WebSocket-Accept over HTTP/2 (RFC 8441 §5)");
            assertEquals("1 hello over h2", facts.get("text"));
            assertEquals("2 True 76800", facts.get("binary"));
            assertEquals("1000", facts.get("close"));
            assertEquals("True", facts.get("server-ended"), "END_STREAM after the close frame");
            assertEquals(Version.HTTP_2, opened.poll(5, TimeUnit.SECONDS));
            assertEquals("close 1000", nextEnd());
            assertEquals(List.of(new InteropServer.Seen("/ws/echo", Version.HTTP_2, ConnectionProtocol.HTTP_2,
                    server.seen().get(0).connectionId())), server.seen(), "the filters saw the CONNECT over HTTP/2");
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void endsTheStreamBothWaysWhenTheServerCloses(boolean tls) throws Exception {
        try (InteropServer server = start(tls)) {
            Map<String, String> facts = run(server, "bye");
            assertEquals("1000", facts.get("close"), facts::toString);
            assertEquals("True", facts.get("server-ended"), "END_STREAM after the client's close: " + facts);
            assertEquals("close 1000", nextEnd());
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void answersTheHandlersRefusalThroughTheFilters(boolean tls) throws Exception {
        try (InteropServer server = start(tls)) {
            Map<String, String> facts = run(server, "refused");
            assertEquals("403", facts.get("status"), facts::toString);
            assertEquals("not for you", facts.get("body"), facts::toString);
            assertEquals(List.of("/ws/refused"), server.seen().stream().map(InteropServer.Seen::path).toList());
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void failsAnUnmaskedFrameWith1002AndEndsTheStream(boolean tls) throws Exception {
        try (InteropServer server = start(tls)) {
            Map<String, String> facts = run(server, "unmasked");
            assertEquals("1002", facts.get("close"), facts::toString);
            assertEquals("True", facts.get("server-ended"), facts::toString);
            assertEquals("error WebSocketProtocolException", nextEnd());
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void failsAMessagePastMaxMessageBytesWith1009(boolean tls) throws Exception {
        try (InteropServer server = start(tls)) {
            Map<String, String> facts = run(server, "too-large");
            assertEquals("1009", facts.get("close"), facts::toString);
            assertEquals("True", facts.get("server-ended"), facts::toString);
            assertTrue(nextEnd().startsWith("error "));
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void pingsAnIdleWebSocketAndResetsItsStreamWhenNoPongComes(boolean tls) throws Exception {
        try (InteropServer server = start(tls)) {
            Map<String, String> facts = run(server, "idle");
            assertEquals("True", facts.get("ping"), facts::toString);
            assertEquals("8", facts.get("reset"), "RST_STREAM CANCEL: " + facts);
            assertEquals("200", facts.get("after"), "the connection went on: " + facts);
            assertEquals("error SocketTimeoutException", nextEnd());
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void endsTheSessionWhenTheClientResetsTheStreamAndTheConnectionGoesOn(boolean tls) throws Exception {
        try (InteropServer server = start(tls)) {
            Map<String, String> facts = run(server, "reset");
            assertEquals("before the reset", facts.get("text"), facts::toString);
            assertEquals("200 hello over HTTP/2 on HTTP/2", facts.get("after"), facts::toString);
            assertTrue(nextEnd().startsWith("error "), "the listener heard of a dropped connection");
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void resetsAGetWithProtocolAsMalformed(boolean tls) throws Exception {
        try (InteropServer server = start(tls)) {
            Map<String, String> facts = run(server, "get");
            assertEquals("1", facts.get("reset"), "RST_STREAM PROTOCOL_ERROR (RFC 8441 §4): " + facts);
            assertEquals("None", facts.get("status"), facts::toString);
            assertEquals("200", facts.get("after"), "a stream error only: " + facts);
            assertEquals(null, opened.poll());
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void answersAMissingOrWrongVersionAsOverHttp1AndAnEndedStreamWith400(boolean tls) throws Exception {
        try (InteropServer server = start(tls)) {
            Map<String, String> facts = run(server, "versions");
            assertEquals("400 13", facts.get("missing"), facts::toString);
            assertEquals("426 13", facts.get("eight"), facts::toString);
            assertEquals("400 None", facts.get("ended"), "a CONNECT that ended its stream is refused in words: "
                    + facts);
            assertEquals(null, opened.poll());
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void agreesOnASubprotocolAndPermessageDeflate(boolean tls) throws Exception {
        try (InteropServer server = start(tls)) {
            Map<String, String> facts = run(server, "agree");
            assertEquals("200", facts.get("status"), facts::toString);
            assertEquals("chat.v1", facts.get("subprotocol"), "the server's preference");
            assertTrue(facts.get("extensions").startsWith("permessage-deflate"), facts::toString);
            assertEquals("True", facts.get("echo-compressed"), facts::toString);
            assertEquals("True", facts.get("echo-matches"), facts::toString);
            assertEquals("1000", facts.get("close"), facts::toString);
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void servesOrdinaryStreamsBesideAnOpenWebSocket(boolean tls) throws Exception {
        try (InteropServer server = start(tls)) {
            Map<String, String> facts = run(server, "mux");
            assertEquals("first", facts.get("first"), facts::toString);
            assertEquals("10", facts.get("hellos"), facts::toString);
            assertEquals(Integer.toString(InteropServer.LARGE.length), facts.get("large"), facts::toString);
            assertEquals("second", facts.get("second"), facts::toString);
            assertEquals("1000", facts.get("close"), facts::toString);
            assertEquals(1, server.connectionIds().size(), "one connection: " + server.seen());
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void webSocketsThatReadNothingHoldUpTheirOwnStreamsOnly(boolean tls) throws Exception {
        try (InteropServer server = start(tls)) {
            Map<String, List<String>> facts = PythonH2.run(server, "h2_websocket_client.py", "stall");
            assertEquals(List.of("5"), facts.get("blocked"), "each stream's window ran out: " + facts);
            assertTrue(Integer.parseInt(facts.get("sent-before").get(0)) <= 256 * 1024, facts::toString);
            // More than the connection's window of 1 MiB is held unread, and an upload still goes through: a
            // WebSocket's content does not hold the connection's window.
            assertTrue(Integer.parseInt(facts.get("sent-in-all").get(0)) > 1024 * 1024, facts::toString);
            assertEquals(List.of(512 * 1024 + " True"), facts.get("upload"), facts::toString);
            assertEquals(Collections.nCopies(5, Integer.toString(1024 * 1024)), facts.get("echoed-length"));
            assertEquals(Collections.nCopies(5, "1000"), facts.get("close"), facts::toString);
            for (int i = 0; i < 5; i++) {
                assertEquals("close", nextEnd());
            }
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void anOpenWebSocketHoldsAPlaceUnderMaxConcurrentStreams(boolean tls) throws Exception {
        try (InteropServer server = start(tls, config -> config.maxConcurrentStreams(1))) {
            Map<String, String> facts = run(server, "limit");
            assertEquals("1", facts.get("max-concurrent-streams"), facts::toString);
            assertEquals("7", facts.get("refused"), "RST_STREAM REFUSED_STREAM: " + facts);
            assertEquals("1000", facts.get("close"), facts::toString);
            assertEquals("200", facts.get("after"), "the place came back with the WebSocket's end: " + facts);
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void resetsTheStreamWhenTheClientKeepsItsWindowShutPastTheWriteTimeout(boolean tls) throws Exception {
        try (InteropServer server = start(tls, config -> config.writeTimeout(Duration.ofMillis(300)))) {
            Map<String, String> facts = run(server, "shut");
            assertEquals("8", facts.get("reset"), "RST_STREAM CANCEL: " + facts);
            assertEquals("0", facts.get("received"), facts::toString);
            assertEquals("send failed SocketTimeoutException", nextEnd());
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void aStoppingServerSends1001AndGoAway(boolean tls) throws Exception {
        try (InteropServer server = start(tls)) {
            Map<String, String> facts = run(server, "stop");
            assertEquals("1001", facts.get("close"), facts::toString);
            assertEquals("True", facts.get("server-ended"), facts::toString);
            assertEquals("None", facts.get("reset"), facts::toString);
            assertEquals("0", facts.get("goaway"), "GOAWAY NO_ERROR: " + facts);
            assertEquals("close 1001", nextEnd());
            assertInstanceOf(Version.class, opened.poll());
        }
    }
}
