package dev.wisp.client;

import static dev.wisp.client.Http2ScriptedServer.failure;
import static dev.wisp.client.Http2ScriptedServer.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.Http2ScriptedServer.Misbehaviour;
import dev.wisp.client.Http2ScriptedServer.Peer;
import dev.wisp.client.Http2ScriptedServer.RequestHead;
import dev.wisp.client.TimeoutExceededException.Timeout;
import dev.wisp.http2.DataFrame;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.Frame;
import dev.wisp.http2.FrameType;
import dev.wisp.http2.Setting;
import dev.wisp.http2.Settings;
import dev.wisp.http2.SettingsFrame;
import dev.wisp.http2.hpack.HpackField;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP/2 client against a hostile server (RFC 9113), played by {@link Http2ScriptedServer}: a response past the
 * client's limits fails its call and resets its stream while the connection serves the others; a server that floods the
 * connection, or holds it up, has it end with GOAWAY; every call gets the typed exception that says why, and none
 * hangs. What the RFC itself asks of each frame and message is {@link Http2ClientConformanceIT}'s and
 * {@link Http2ClientMessageConformanceIT}'s to check.
 */
class Http2ClientDefencesIT {
    private static final Duration LIMIT = Duration.ofSeconds(15);
    private static final int STREAM_WINDOW = 1 << 20;

    @AutoClose
    private Http2ScriptedServer server;

    private static void run(Executable test) {
        assertTimeoutPreemptively(LIMIT, test);
    }

    @Test
    void failsWithAConnectTimeoutWhenTheServerSendsNoSettings() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder().connectTimeout(Duration.ofMillis(300)));
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.accept();
            assertEquals(Timeout.CONNECT, failure(call, TimeoutExceededException.class).timeout());
            peer.awaitClosed();
        });
    }

    private <T extends Throwable> T failsOneStreamOnly(ClientConfig.Builder config, ErrorCode reset, Class<T> expected,
            Misbehaviour misbehave) throws Exception {
        server = Http2ScriptedServer.start(config);
        return server.failsOneStreamOnly(reset, expected, misbehave);
    }

    @Test
    void failsACallWhoseHeaderSectionIsOverMaxHeaderBytes() {
        run(() -> {
            ResponseProtocolException e = failsOneStreamOnly(ClientConfig.builder().maxHeaderBytes(1024),
                    ErrorCode.CANCEL, ResponseProtocolException.class,
                    (peer, id) -> peer.headers(id, true, ":status", "200", "x-big", "x".repeat(2000)));
            assertEquals(Optional.of("maxHeaderBytes"), e.limitName());
        });
    }

    @Test
    void failsACallWhoseHeaderBlockIsFarOverMaxHeaderBytes() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder().maxHeaderBytes(1024));
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.headers(id, true, ":status", "200", "x-big", "x".repeat(10_000));
            peer.awaitGoAway(ErrorCode.ENHANCE_YOUR_CALM);
            assertEquals(Optional.of("maxHeaderBytes"), failure(call, ResponseProtocolException.class).limitName());
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void failsACallWithMoreFieldsThanMaxHeaderCount(boolean inTrailers) {
        run(() -> {
            String[] fields = new String[40];
            for (int i = 0; i < fields.length; i += 2) {
                fields[i] = "x-field-" + i;
                fields[i + 1] = "v";
            }
            ResponseProtocolException e = failsOneStreamOnly(ClientConfig.builder().maxHeaderCount(10),
                    ErrorCode.CANCEL, ResponseProtocolException.class, (peer, id) -> {
                        if (inTrailers) {
                            peer.headers(id, false, ":status", "200");
                            peer.data(id, "content", false);
                            peer.headers(id, true, fields);
                        } else {
                            peer.headers(id, true, Stream.concat(Stream.of(":status", "200"), Arrays.stream(fields))
                                    .toArray(String[]::new));
                        }
                    });
            assertEquals(Optional.of("maxHeaderCount"), e.limitName());
        });
    }

    @Test
    void resetsAStreamWithMoreInterimResponsesThanAllowed() {
        run(() -> failsOneStreamOnly(ClientConfig.builder(), ErrorCode.CANCEL, ResponseProtocolException.class,
                (peer, id) -> {
                    for (int i = 0; i < 20; i++) {
                        peer.headers(id, false, ":status", "103", "link", "</" + i + ".css>");
                    }
                }));
    }

    @Test
    void readsAHeaderBlockSplitOverContinuationFramesAndPaddedData() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.headers(id, false, ":status", "200", "x-large", "v".repeat(40_000)); // three frames
            byte[] padded = new byte[1 + 1 + 254]; // pad length, one byte of content, padding
            padded[0] = (byte) 254;
            padded[1] = 'x';
            peer.flood(FrameType.DATA.code(), id, padded, 5000, 0x8); // 1.3 MB, more than the stream's window
            peer.data(id, "", true);
            assertEquals("200 " + "x".repeat(5000), result(call));
        });
    }

    @Test
    void resetsAStreamThatGetsMoreDataThanItsWindow() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<Response> unread = server.client().sendAsync(Request.get(server.url("/")));
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.headers(id, false, ":status", "200");
            sendData(peer, id, STREAM_WINDOW + 1);
            peer.awaitReset(id, ErrorCode.FLOW_CONTROL_ERROR);
            try (Response response = result(unread)) {
                assertThrows(ResponseProtocolException.class, response::text);
            }
            server.servesNextCall(peer);
        });
    }

    @Test
    void servesOtherStreamsWhileResponsesNobodyReadsFillTheirWindows() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            List<CompletableFuture<Response>> unread = new ArrayList<>();
            unread.add(server.client().sendAsync(Request.get(server.url("/0"))));
            Peer peer = server.handshake();
            List<Integer> ids = new ArrayList<>(List.of(peer.awaitRequest().streamId()));
            for (int i = 1; i < 5; i++) {
                unread.add(server.client().sendAsync(Request.get(server.url("/" + i))));
                ids.add(peer.awaitRequest().streamId());
            }
            for (int id : ids) { // 5 MiB in all, more than the connection's first window of 4 MiB
                peer.headers(id, false, ":status", "200");
                sendData(peer, id, STREAM_WINDOW);
            }
            server.servesNextCall(peer); // the connection's window is no hostage of the streams' readers
            unread.forEach(call -> call.join().close());
        });
    }

    @Test
    void givesBackTheCreditOfContentNobodyReads() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<Response> first = server.client().sendAsync(Request.get(server.url("/0")));
            Peer peer = server.handshake();
            CompletableFuture<Response> unread = first;
            for (int i = 0; i < 6; i++) { // 6 MiB in all, more than the connection's window of 4 MiB
                int id = peer.awaitRequest().streamId();
                peer.headers(id, false, ":status", "200");
                sendData(peer, id, STREAM_WINDOW / 2);
                result(unread).close();
                peer.awaitReset(id, ErrorCode.CANCEL);
                sendData(peer, id, STREAM_WINDOW / 2); // in flight when the stream was reset, within its window
                unread = server.client().sendAsync(Request.get(server.url("/" + (i + 1))));
            }
            int id = peer.awaitRequest().streamId();
            peer.respond(id, "still open");
            try (Response last = result(unread)) {
                assertEquals("still open", last.text());
            }
        });
    }

    @Test
    void endsTheConnectionWhenAStreamWeResetGetsMoreThanItsWindowLeft() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            Http2ScriptedServer.HeadSent head = server.headOfAGet();
            result(head.call()).close(); // unread: the stream is reset, and no credit goes back for it any more
            head.peer().awaitReset(head.streamId(), ErrorCode.CANCEL);
            // A server that goes on sending, the connection's credit coming back all the while, is stopped at the
            // stream's window (it sent gigabytes before).
            sendData(head.peer(), head.streamId(), STREAM_WINDOW + 16_384);
            head.peer().awaitGoAway(ErrorCode.FLOW_CONTROL_ERROR);
        });
    }

    /** Sends {@code length} bytes of content in DATA frames of at most 16 KiB, without ending the stream. */
    private static void sendData(Peer peer, int id, int length) throws IOException {
        List<Frame> frames = new ArrayList<>();
        for (int sent = 0; sent < length; sent += 16_384) {
            frames.add(new DataFrame(id, new byte[Math.min(16_384, length - sent)], false));
        }
        peer.send(frames.toArray(Frame[]::new));
    }

    @ParameterizedTest
    @EnumSource(value = FrameType.class, names = {"PING", "SETTINGS", "PRIORITY", "DATA"})
    void endsTheConnectionWithEnhanceYourCalmOnAFlood(FrameType type) {
        run(() -> connectionError(ErrorCode.ENHANCE_YOUR_CALM, (peer, id) -> {
            if (type == FrameType.DATA) {
                peer.headers(id, false, ":status", "200");
            }
            byte[] payload = switch (type) {
                case PING -> new byte[8];
                case PRIORITY -> new byte[] {0, 0, 0, 0, 15};
                default -> new byte[0]; // empty SETTINGS and empty DATA
            };
            peer.flood(type.code(), type == FrameType.PING || type == FrameType.SETTINGS ? 0 : id, payload, 1200);
        }));
    }

    @ParameterizedTest
    @EnumSource(value = FrameType.class, names = {"PING", "SETTINGS"})
    void endsTheConnectionWithEnhanceYourCalmOnAFloodOfAcknowledgements(FrameType type) {
        run(() -> connectionError(ErrorCode.ENHANCE_YOUR_CALM, (peer, id) -> peer.flood(type.code(), 0,
                new byte[type == FrameType.PING ? 8 : 0], 1200, 0x1))); // unasked for: they cost only the client
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void endsTheConnectionWithEnhanceYourCalmOnAFloodOfCreditForNothing(boolean onTheStream) {
        // A GET has sent all it has: credit for it, or for the connection, is work for nothing (it cost a core).
        run(() -> connectionError(ErrorCode.ENHANCE_YOUR_CALM, (peer, id) -> peer.flood(
                FrameType.WINDOW_UPDATE.code(), onTheStream ? id : 0, new byte[] {0, 0, 0, 1}, 12_000)));
    }

    @Test
    void endsTheConnectionWithEnhanceYourCalmOnAFloodOfUnknownFrames() {
        run(() -> connectionError(ErrorCode.ENHANCE_YOUR_CALM, (peer, id) -> peer.flood(0x20, 0, new byte[0], 1200)));
    }

    @Test
    void endsTheConnectionOnAFloodOfEmptyContinuationFrames() {
        run(() -> {
            ResponseProtocolException e = connectionError(ErrorCode.ENHANCE_YOUR_CALM, (peer, id) -> {
                peer.sendFrame(FrameType.HEADERS.code(), 0, id, peer.block(":status", "200"));
                peer.flood(FrameType.CONTINUATION.code(), id, new byte[0], 20_000);
            });
            assertEquals(Optional.of("maxHeaderBytes"), e.limitName());
        });
    }

    private ResponseProtocolException connectionError(ErrorCode code, Misbehaviour misbehave) throws Exception {
        server = Http2ScriptedServer.start(ClientConfig.builder());
        return server.connectionError(code, misbehave);
    }

    @Test
    void failsACallWhoseConnectionClosesInTheMiddleOfItsResponse() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.headers(id, false, ":status", "200", "content-length", "100");
            peer.data(id, "only ten b", false);
            peer.close();
            failure(call, ConnectionClosedException.class);
        });
    }

    @Test
    void refusesARequestHeadOverTheServersMaxHeaderListSizeAndServesTheNextCalls() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> first = server.get("/");
            Peer peer = server.handshake();
            RequestHead head = peer.awaitRequest();
            peer.respond(head.streamId(), "first");
            assertEquals("200 first", result(first));
            // RFC 9113 §6.5.2: each field counts its name, its value and 32 bytes; a field of 1,000 bytes fits exactly.
            long limit = head.fields().stream().mapToLong(HpackField::size).sum() + new HpackField("x-big",
                    "x".repeat(1000)).size();
            peer.send(new SettingsFrame(List.of(new Setting(Settings.MAX_HEADER_LIST_SIZE, limit))));
            peer.await(SettingsFrame.class, SettingsFrame::ack);

            CompletableFuture<String> over = server.fetch(Request.builder(server.url("/"))
                    .header("x-big", "x".repeat(1001)).build());
            RequestTooLargeException e = failure(over, RequestTooLargeException.class);
            assertEquals("SETTINGS_MAX_HEADER_LIST_SIZE", e.limitName());
            assertEquals(limit, e.limit());
            assertTrue(e.getMessage().contains(limit + " bytes"), e.getMessage());

            CompletableFuture<String> atLimit = server.fetch(Request.builder(server.url("/"))
                    .header("x-big", "x".repeat(1000)).build());
            RequestHead sent = peer.awaitRequest();
            assertEquals("x".repeat(1000), sent.field("x-big"));
            peer.respond(sent.streamId(), "fits");
            assertEquals("200 fits", result(atLimit));
            server.servesNextCall(peer);
        });
    }
}
