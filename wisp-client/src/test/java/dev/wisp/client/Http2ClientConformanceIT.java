package dev.wisp.client;

import static dev.wisp.client.Http2ScriptedServer.failure;
import static dev.wisp.client.Http2ScriptedServer.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.Http2ScriptedServer.Misbehaviour;
import dev.wisp.client.Http2ScriptedServer.Peer;
import dev.wisp.client.Http2ScriptedServer.RequestHead;
import dev.wisp.http2.ContinuationFrame;
import dev.wisp.http2.DataFrame;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.FrameType;
import dev.wisp.http2.GoAwayFrame;
import dev.wisp.http2.PingFrame;
import dev.wisp.http2.PushPromiseFrame;
import dev.wisp.http2.ResetFrame;
import dev.wisp.http2.Setting;
import dev.wisp.http2.Settings;
import dev.wisp.http2.SettingsFrame;
import dev.wisp.http2.WindowUpdateFrame;
import dev.wisp.http2.hpack.HpackField;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP/2 client's framing and stream rules, RFC 9113 §3.4 to §6, case by case against {@link Http2ScriptedServer}
 * (the client's side of what h2spec checks of a server): a frame that breaks a rule of the connection ends it with
 * GOAWAY of the code the RFC gives, and its call fails with {@link ResponseProtocolException}; one that breaks a rule
 * of a stream resets that stream with its code while the other calls go on; and frames the RFC lets a client take are
 * taken. The rules of response messages and HPACK are {@link Http2ClientMessageConformanceIT}'s.
 */
class Http2ClientConformanceIT {
    private static final Duration LIMIT = Duration.ofSeconds(15);
    private static final int DATA = FrameType.DATA.code();
    private static final int HEADERS = FrameType.HEADERS.code();
    private static final int PRIORITY = FrameType.PRIORITY.code();
    private static final int SETTINGS = FrameType.SETTINGS.code();
    private static final int PING = FrameType.PING.code();
    private static final int WINDOW_UPDATE = FrameType.WINDOW_UPDATE.code();
    private static final int END_STREAM = 0x1;
    private static final int ACK = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int PADDED = 0x8;
    private static final int PRIORITY_FLAG = 0x20;
    /** More than a stream's flow-control window of 65,535 bytes at first: the request stays open. */
    private static final byte[] LARGE_BODY = new byte[100_000];

    @AutoClose
    private Http2ScriptedServer server;

    private static void run(Executable test) {
        assertTimeoutPreemptively(LIMIT, test);
    }

    /** A frame that breaks a rule of the connection, with the error code the client's GOAWAY must carry. */
    record ConnectionCase(String rule, ErrorCode code, Misbehaviour play) {
        @Override
        public String toString() {
            return rule;
        }
    }

    private static ConnectionCase breaks(String rule, ErrorCode code, Misbehaviour play) {
        return new ConnectionCase(rule, code, play);
    }

    static Stream<ConnectionCase> connectionErrors() {
        ErrorCode protocol = ErrorCode.PROTOCOL_ERROR;
        ErrorCode frameSize = ErrorCode.FRAME_SIZE_ERROR;
        ErrorCode flowControl = ErrorCode.FLOW_CONTROL_ERROR;
        return Stream.of(
                // §4.2: over our SETTINGS_MAX_FRAME_SIZE (16,384), of any type; a frame of the wrong length
                breaks("§4.2 DATA over SETTINGS_MAX_FRAME_SIZE", frameSize, (peer, id) -> {
                    peer.headers(id, false, ":status", "200");
                    peer.sendFrame(DATA, 0, id, new byte[16_385]);
                }),
                breaks("§4.2 HEADERS over SETTINGS_MAX_FRAME_SIZE", frameSize,
                        (peer, id) -> peer.sendFrame(HEADERS, END_HEADERS, id, new byte[16_385])),
                breaks("§4.2 unknown type over SETTINGS_MAX_FRAME_SIZE", frameSize,
                        (peer, id) -> peer.sendFrame(0x20, 0, 0, new byte[16_385])),
                breaks("§6.7 PING of 7 bytes", frameSize, (peer, id) -> peer.sendFrame(PING, 0, 0, new byte[7])),
                breaks("§6.5 SETTINGS of 5 bytes", frameSize, (peer, id) -> peer.sendFrame(SETTINGS, 0, 0,
                        new byte[5])),
                breaks("§6.5 SETTINGS ACK with a payload", frameSize,
                        (peer, id) -> peer.sendFrame(SETTINGS, ACK, 0, setting(Settings.ENABLE_PUSH, 0))),
                breaks("§6.4 RST_STREAM of 3 bytes", frameSize,
                        (peer, id) -> peer.sendFrame(FrameType.RST_STREAM.code(), 0, id, new byte[3])),
                breaks("§6.9 WINDOW_UPDATE of 3 bytes", frameSize,
                        (peer, id) -> peer.sendFrame(WINDOW_UPDATE, 0, 0, new byte[3])),
                breaks("§6.8 GOAWAY of 7 bytes", frameSize,
                        (peer, id) -> peer.sendFrame(FrameType.GOAWAY.code(), 0, 0, new byte[7])),
                // §4.3, §6.10: a header block is HEADERS then CONTINUATION frames of its stream, nothing between
                breaks("§6.10 CONTINUATION alone", protocol,
                        (peer, id) -> peer.send(new ContinuationFrame(id, peer.block(":status", "200"), true))),
                breaks("§6.10 CONTINUATION after END_HEADERS", protocol, (peer, id) -> {
                    peer.headers(id, false, ":status", "200");
                    peer.send(new ContinuationFrame(id, peer.block("x-late", "1"), true));
                }),
                breaks("§6.10 PING inside a header block", protocol, (peer, id) -> interrupted(peer, id,
                        () -> peer.send(new PingFrame(false, 1)))),
                breaks("§6.10 DATA inside a header block", protocol, (peer, id) -> interrupted(peer, id,
                        () -> peer.data(id, "x", false))),
                breaks("§5.5 unknown type inside a header block", protocol, (peer, id) -> interrupted(peer, id,
                        () -> peer.sendFrame(0x20, 0, 0, new byte[0]))),
                breaks("§6.10 CONTINUATION of another stream", protocol, (peer, id) -> interrupted(peer, id,
                        () -> peer.sendFrame(FrameType.CONTINUATION.code(), END_HEADERS, id + 2, new byte[0]))),
                // §5.1: idle streams take only HEADERS and PRIORITY, and a server opens none with push disabled
                breaks("§5.1 DATA on an idle stream", protocol, (peer, id) -> peer.data(id + 2, "x", true)),
                breaks("§5.1 HEADERS on an idle stream", protocol,
                        (peer, id) -> peer.headers(id + 2, true, ":status", "200")),
                breaks("§5.1 RST_STREAM on an idle stream", protocol,
                        (peer, id) -> peer.send(new ResetFrame(id + 2, ErrorCode.CANCEL))),
                breaks("§5.1 WINDOW_UPDATE on an idle stream", protocol,
                        (peer, id) -> peer.send(new WindowUpdateFrame(id + 2, 1))),
                breaks("§5.1.1 HEADERS on an even stream", protocol,
                        (peer, id) -> peer.headers(2, true, ":status", "200")),
                breaks("§8.4 PUSH_PROMISE with SETTINGS_ENABLE_PUSH 0", protocol,
                        (peer, id) -> peer.send(new PushPromiseFrame(id, 2, peer.block(":method", "GET",
                                ":scheme", "http", ":authority", "x", ":path", "/pushed"), 0))),
                // §6.1-§6.9: the stream each frame type belongs on, padding
                breaks("§6.1 DATA on stream 0", protocol, (peer, id) -> peer.sendFrame(DATA, 0, 0, new byte[1])),
                breaks("§6.1 DATA padded beyond its length", protocol, (peer, id) -> {
                    peer.headers(id, false, ":status", "200");
                    peer.sendFrame(DATA, PADDED, id, new byte[] {5, 'x', 0, 0});
                }),
                breaks("§6.2 HEADERS on stream 0", protocol,
                        (peer, id) -> peer.sendFrame(HEADERS, END_HEADERS, 0, peer.block(":status", "200"))),
                breaks("§6.2 HEADERS padded beyond its length", protocol,
                        (peer, id) -> peer.sendFrame(HEADERS, END_HEADERS | PADDED, id, new byte[] {9, (byte) 0x88})),
                breaks("§6.3 PRIORITY on stream 0", protocol,
                        (peer, id) -> peer.sendFrame(PRIORITY, 0, 0, new byte[] {0, 0, 0, 1, 15})),
                breaks("§6.4 RST_STREAM on stream 0", protocol,
                        (peer, id) -> peer.sendFrame(FrameType.RST_STREAM.code(), 0, 0, new byte[4])),
                breaks("§6.5 SETTINGS on a stream", protocol, (peer, id) -> peer.sendFrame(SETTINGS, 0, id,
                        setting(Settings.MAX_CONCURRENT_STREAMS, 10))),
                breaks("§6.7 PING on a stream", protocol, (peer, id) -> peer.sendFrame(PING, 0, id, new byte[8])),
                breaks("§6.8 GOAWAY on a stream", protocol,
                        (peer, id) -> peer.sendFrame(FrameType.GOAWAY.code(), 0, id, new byte[8])),
                // §6.5.2: values out of range
                breaks("§6.5.2 SETTINGS_ENABLE_PUSH 2", protocol, settings(Settings.ENABLE_PUSH, 2)),
                breaks("§6.5.2 SETTINGS_ENABLE_PUSH 1 from a server", protocol, settings(Settings.ENABLE_PUSH, 1)),
                breaks("§6.5.2 SETTINGS_INITIAL_WINDOW_SIZE 2^31", flowControl,
                        settings(Settings.INITIAL_WINDOW_SIZE, 1L << 31)),
                breaks("§6.5.2 SETTINGS_MAX_FRAME_SIZE 16383", protocol, settings(Settings.MAX_FRAME_SIZE, 16_383)),
                breaks("§6.5.2 SETTINGS_MAX_FRAME_SIZE 2^24", protocol, settings(Settings.MAX_FRAME_SIZE, 1 << 24)),
                breaks("RFC 8441 §3 SETTINGS_ENABLE_CONNECT_PROTOCOL 2", protocol,
                        settings(Settings.ENABLE_CONNECT_PROTOCOL, 2)),
                breaks("RFC 8441 §3 SETTINGS_ENABLE_CONNECT_PROTOCOL from 1 to 0", protocol, (peer, id) -> {
                    peer.send(new SettingsFrame(List.of(new Setting(Settings.ENABLE_CONNECT_PROTOCOL, 1))));
                    peer.send(new SettingsFrame(List.of(new Setting(Settings.ENABLE_CONNECT_PROTOCOL, 0))));
                }),
                // §6.9: the connection's window
                breaks("§6.9 WINDOW_UPDATE of 0 for the connection", protocol,
                        (peer, id) -> peer.sendFrame(WINDOW_UPDATE, 0, 0, new byte[4])),
                breaks("§6.9.1 WINDOW_UPDATE beyond 2^31-1 for the connection", flowControl,
                        (peer, id) -> peer.send(new WindowUpdateFrame(0, Integer.MAX_VALUE))),
                breaks("§6.9.2 SETTINGS_INITIAL_WINDOW_SIZE taking a stream's window beyond 2^31-1", flowControl,
                        (peer, id) -> {
                            peer.send(new WindowUpdateFrame(id, Integer.MAX_VALUE - 65_535));
                            peer.send(new SettingsFrame(List.of(new Setting(Settings.INITIAL_WINDOW_SIZE, 65_536))));
                        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectionErrors")
    void endsTheConnectionWithTheCodeTheRfcGives(ConnectionCase broken) {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            server.connectionError(broken.code(), broken.play());
        });
    }

    /** Starts a header block on the stream and sends what {@code between} sends before its CONTINUATION. */
    private static void interrupted(Peer peer, int id, Step between) throws Exception {
        peer.sendFrame(HEADERS, 0, id, peer.block(":status", "200"));
        between.run();
        peer.sendFrame(FrameType.CONTINUATION.code(), END_HEADERS, id, new byte[0]);
    }

    /** Something the server sends. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static Misbehaviour settings(int identifier, long value) {
        return (peer, id) -> peer.sendFrame(SETTINGS, 0, 0, setting(identifier, value));
    }

    private static byte[] setting(int identifier, long value) {
        return ByteBuffer.allocate(6).putShort((short) identifier).putInt((int) value).array();
    }

    // §3.4: the server's preface is a SETTINGS frame

    @ParameterizedTest
    @ValueSource(strings = {"PING", "SETTINGS ACK", "WINDOW_UPDATE"})
    void endsTheConnectionWhenTheServerPrefaceIsNotSettings(String first) {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.accept();
            peer.send(switch (first) {
                case "PING" -> new PingFrame(false, 7);
                case "SETTINGS ACK" -> SettingsFrame.ACK;
                default -> new WindowUpdateFrame(0, 1);
            });
            assertEquals(0, peer.awaitGoAway(ErrorCode.PROTOCOL_ERROR).lastStreamId());
            failure(call, ResponseProtocolException.class);
        });
    }

    // §3.4, §6.5.2, §8.3.1: what the client sends

    @Test
    void sendsItsPrefaceWithPushDisabledAndRequestsWithTheirPseudoHeaderFieldsFirst() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.fetch(Request.builder(server.url("/path?q=1"))
                    .header("X-Custom", "value").build());
            Peer peer = server.handshake();
            assertTrue(peer.clientSettings().settings().contains(new Setting(Settings.ENABLE_PUSH, 0)));
            RequestHead head = peer.awaitRequest();
            List<String> names = head.fields().stream().map(HpackField::name).toList();
            assertEquals(Set.of(":method", ":scheme", ":authority", ":path"), Set.copyOf(names.subList(0, 4)));
            assertTrue(names.subList(4, names.size()).stream().noneMatch(name -> name.startsWith(":")),
                    names::toString);
            assertTrue(names.stream().noneMatch(name -> Set.of("connection", "keep-alive", "transfer-encoding",
                    "upgrade", "host").contains(name)), names::toString);
            assertEquals(List.of("GET", "http", server.url("").substring("http://".length()), "/path?q=1", "value"),
                    Stream.of(":method", ":scheme", ":authority", ":path", "x-custom").map(head::field).toList());
            assertTrue(head.endStream());
            peer.respond(head.streamId(), "sent");
            assertEquals("200 sent", result(call));
        });
    }

    @Test
    void followsTheServersHeaderTableSizeWithASizeUpdate() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.get("/first");
            Peer peer = server.handshake();
            peer.respond(peer.awaitRequest().streamId(), "first");
            assertEquals("200 first", result(call));
            peer.send(new SettingsFrame(List.of(new Setting(Settings.HEADER_TABLE_SIZE, 0))));
            peer.await(SettingsFrame.class, SettingsFrame::ack);
            peer.headerTableSizeAcknowledged(0);
            server.servesNextCall(peer); // its head starts with the update owed (RFC 7541 §4.2), or does not decode
            server.servesNextCall(peer);
        });
    }

    // §4.1, §5.5, §6.5.2: what a client ignores

    @Test
    void ignoresUnknownFrameTypesFlagsSettingsAndTheReservedBit() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.sendFrame(0x20, 0xff, 0, new byte[] {1, 2, 3});
            peer.sendFrame(0x21, 0, id, new byte[16_384]);
            peer.sendFrame(SETTINGS, 0, 0, setting(0x99, 12345));
            peer.await(SettingsFrame.class, SettingsFrame::ack); // §6.5.3: acknowledged all the same
            peer.sendFrame(PING, 0xfe, 0, ByteBuffer.allocate(8).putLong(42).array()); // ACK is the only flag
            assertEquals(42, peer.await(PingFrame.class, PingFrame::ack).payload());
            peer.sendFrame(HEADERS, END_HEADERS | 0xd0, id | 0x8000_0000, peer.block(":status", "200"));
            peer.sendFrame(DATA, END_STREAM | 0x70, id | 0x8000_0000, "still read".getBytes(StandardCharsets.US_ASCII));
            assertEquals("200 still read", result(call));
            server.servesNextCall(peer);
        });
    }

    // §6.7: PING

    @Test
    void answersAPingWithItsPayloadAndAnAcknowledgementWithNothing() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.send(new PingFrame(true, 99), new PingFrame(false, 0x0102030405060708L));
            PingFrame answer = peer.await(PingFrame.class, ping -> true);
            assertEquals(new PingFrame(true, 0x0102030405060708L), answer);
            peer.respond(id, "pinged");
            assertEquals("200 pinged", result(call));
        });
    }

    // §5.1.1: the client's streams are odd and grow

    @Test
    void opensStreamsWithOddIdsThatGrow() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.handshake();
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int id = peer.awaitRequest().streamId();
                ids.add(id);
                peer.respond(id, "call " + i);
                assertEquals("200 call " + i, result(call));
                call = server.get("/");
            }
            assertEquals(List.of(1, 3, 5), ids);
            peer.respond(peer.awaitRequest().streamId(), "last");
            assertEquals("200 last", result(call));
        });
    }

    // §6.3, §5.3.1: PRIORITY is advice, but its form is checked

    @Test
    void ignoresPriorityOnAnIdleStream() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.sendFrame(PRIORITY, 0, id + 2, new byte[] {0, 0, 0, 0, 15});
            peer.sendFrame(PRIORITY, 0, 2, new byte[] {0, 0, 0, 1, 15});
            peer.respond(id, "first");
            assertEquals("200 first", result(call));
            server.servesNextCall(peer);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"PRIORITY of 4 bytes", "PRIORITY on itself", "HEADERS depending on itself"})
    void resetsAStreamWhosePriorityBreaksTheRules(String frame) {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            server.failsOneStreamOnly(frame.endsWith("bytes") ? ErrorCode.FRAME_SIZE_ERROR : ErrorCode.PROTOCOL_ERROR,
                    ResponseProtocolException.class, (peer, id) -> {
                        byte[] onItself = ByteBuffer.allocate(5).putInt(id).put((byte) 15).array();
                        switch (frame) {
                            case "PRIORITY of 4 bytes" -> peer.sendFrame(PRIORITY, 0, id, new byte[4]);
                            case "PRIORITY on itself" -> peer.sendFrame(PRIORITY, 0, id, onItself);
                            default -> peer.sendFrame(HEADERS, END_HEADERS | PRIORITY_FLAG | END_STREAM, id,
                                    ByteBuffer.allocate(6).put(onItself).put(peer.block(":status", "200")).array());
                        }
                    });
        });
    }

    // §5.1: frames on a stream the server ended, or that is closed

    @ParameterizedTest
    @CsvSource({"DATA, read", "HEADERS, read", "DATA, unread", "HEADERS, unread"})
    void endsTheConnectionWithStreamClosedOnAFrameAfterTheResponseEnded(String type, String response) {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<Response> call = server.client().sendAsync(Request.get(server.url("/")));
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.respond(id, "ended");
            try (Response ended = result(call)) {
                if (response.equals("read")) { // its call lets go of the stream
                    assertEquals("ended", ended.text());
                }
                sendAfterTheEnd(peer, id, type);
                assertEquals(0, peer.awaitGoAway(ErrorCode.STREAM_CLOSED).lastStreamId());
            }
            server.servesNextCallOnANewConnection();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"DATA", "HEADERS"})
    void resetsWithStreamClosedAFrameAfterTheResponseEndedWhileTheRequestGoesOut(String type) {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.fetch(Request.builder(server.url("/")).method("POST")
                    .body(LARGE_BODY).build());
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.respond(id, "early"); // the request's body waits for the server's window meanwhile
            sendAfterTheEnd(peer, id, type);
            peer.awaitReset(id, ErrorCode.STREAM_CLOSED);
            failure(call, ResponseProtocolException.class);
            server.servesNextCall(peer);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"DATA", "HEADERS"})
    void resetsWithStreamClosedAFrameAfterTheServerResetTheStream(String type) {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.headers(id, false, ":status", "200");
            peer.send(new ResetFrame(id, ErrorCode.INTERNAL_ERROR));
            failure(call, HttpCallException.class);
            sendAfterTheEnd(peer, id, type);
            peer.awaitReset(id, ErrorCode.STREAM_CLOSED);
            server.servesNextCall(peer);
        });
    }

    @Test
    void ignoresFramesTheServerSentBeforeItSawOurReset() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            Http2ScriptedServer.HeadSent head = server.headOfAGet();
            CompletableFuture<Response> call = head.call();
            Peer peer = head.peer();
            int id = head.streamId();
            result(call).close(); // the content unread: the stream is reset
            peer.awaitReset(id, ErrorCode.CANCEL);
            peer.data(id, "in flight", false);
            peer.headers(id, true, "x-trailer", "in flight");
            peer.send(new WindowUpdateFrame(id, 1), new ResetFrame(id, ErrorCode.CANCEL));
            server.servesNextCall(peer);
        });
    }

    @Test
    void takesWindowUpdateResetAndPriorityOnAStreamClosedBothWays() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.respond(id, "closed");
            assertEquals("200 closed", result(call));
            peer.send(new WindowUpdateFrame(id, 1), new ResetFrame(id, ErrorCode.NO_ERROR));
            peer.sendFrame(PRIORITY, 0, id, new byte[] {0, 0, 0, 0, 15});
            server.servesNextCall(peer);
        });
    }

    /** Sends DATA or trailers on a stream whose response ended. */
    private static void sendAfterTheEnd(Peer peer, int id, String type) throws Exception {
        if (type.equals("DATA")) {
            peer.data(id, "late", true);
        } else {
            peer.headers(id, true, "x-trailer", "late");
        }
    }

    // §6.9: a stream's window

    @Test
    void resetsAStreamWhoseWindowUpdateIsZeroOrTakesItBeyondTheMaximum() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            server.failsOneStreamOnly(ErrorCode.PROTOCOL_ERROR, ResponseProtocolException.class,
                    (peer, id) -> peer.sendFrame(WINDOW_UPDATE, 0, id, new byte[4]));
            server.close();
            server = Http2ScriptedServer.start(ClientConfig.builder());
            server.failsOneStreamOnly(ErrorCode.FLOW_CONTROL_ERROR, ResponseProtocolException.class,
                    (peer, id) -> peer.send(new WindowUpdateFrame(id, Integer.MAX_VALUE)));
        });
    }

    // §6.8: GOAWAY

    @Test
    void finishesTheStreamsAGoAwayIncludesAndSendsTheOthersAgainOnANewConnection() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> included = server.get("/included");
            Peer first = server.handshake();
            int id = first.awaitRequest().streamId();
            CompletableFuture<String> leftOut = server.get("/left-out");
            first.awaitRequest();
            first.send(new GoAwayFrame(id, ErrorCode.NO_ERROR, "bye".getBytes(StandardCharsets.US_ASCII)));
            Peer second = server.handshake();
            second.respond(second.awaitRequest().streamId(), "again");
            assertEquals("200 again", result(leftOut));
            first.respond(id, "included");
            assertEquals("200 included", result(included));
            first.awaitClosed();
            server.servesNextCall(second);
        });
    }
}
