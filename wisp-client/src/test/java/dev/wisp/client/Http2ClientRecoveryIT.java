package dev.wisp.client;

import static dev.wisp.client.Http2ScriptedServer.failure;
import static dev.wisp.client.Http2ScriptedServer.result;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.Http2ScriptedServer.Peer;
import dev.wisp.client.Http2ScriptedServer.RequestHead;
import dev.wisp.client.TimeoutExceededException.Timeout;
import dev.wisp.http2.DataFrame;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.GoAwayFrame;
import dev.wisp.http2.PingFrame;
import dev.wisp.http2.ResetFrame;
import dev.wisp.http2.Setting;
import dev.wisp.http2.Settings;
import dev.wisp.http2.SettingsFrame;
import dev.wisp.http2.WindowUpdateFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the HTTP/2 client recovers when a server, played by {@link Http2ScriptedServer}, refuses, stops or stalls a
 * stream (RFC 9113): a request the server says it did not process goes again, once; a GOAWAY lets the calls it
 * includes finish; a timeout or a cancel resets one stream and the connection serves the others.
 */
class Http2ClientRecoveryIT {
    private static final Duration LIMIT = Duration.ofSeconds(15);
    /** More than a stream's flow-control window of 65,535 bytes at first. */
    private static final byte[] LARGE_BODY = new byte[100_000];

    @AutoClose
    private Http2ScriptedServer server;

    private CompletableFuture<String> post(String path, byte[] body) {
        return server.fetch(Request.builder(server.url(path)).method("POST").body(body).build());
    }

    private static void run(Executable test) {
        assertTimeoutPreemptively(LIMIT, test);
    }

    /**
     * Where the origin takes only one connection, the one that refused the stream serves the attempt again: once
     * accepted, and while it keeps refusing, not forever.
     */
    @Test
    void sendsARefusedStreamAgainEvenAPostButNotForever() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder().maxConnectionsPerOrigin(1));
            byte[] body = "payload".getBytes(StandardCharsets.UTF_8);
            CompletableFuture<String> accepted = post("/accepted", body);
            Peer peer = server.handshake();
            peer.send(new ResetFrame(peer.awaitRequest().streamId(), ErrorCode.REFUSED_STREAM));
            RequestHead again = peer.awaitRequest();
            assertEquals("/accepted", again.field(":path"));
            assertArrayEquals(body, peer.awaitBody(again.streamId()));
            peer.respond(again.streamId(), "done");
            assertEquals("200 done", result(accepted));

            CompletableFuture<String> refused = post("/refused", body);
            CompletableFuture<String> next = refused.handle((response, e) -> null).thenCompose(x -> server.get("/"));
            RequestHead head = peer.awaitRequest();
            int attempts = 0;
            while (head.field(":path").equals("/refused")) { // refused every time, until the client gives up
                attempts++;
                peer.send(new ResetFrame(head.streamId(), ErrorCode.REFUSED_STREAM));
                head = peer.awaitRequest();
            }
            peer.respond(head.streamId(), "next");
            assertEquals("200 next", result(next));
            assertTrue(failure(refused, ConnectionClosedException.class).wasRequestRetried());
            assertTrue(attempts >= 2 && attempts <= 16, "sent " + attempts + " times: again, but not forever");
            assertEquals(1, server.connections());
        });
    }

    /**
     * A refused stream goes again on another connection while one can be had, not back to the one that refused it,
     * which may refuse every stream (a server that keeps refusing on one connection served a new one): before
     * 2026-12-05 every attempt went to it, and the call failed after eleven.
     */
    @Test
    void sendsARefusedStreamAgainOnAnotherConnection() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            byte[] body = "payload".getBytes(StandardCharsets.UTF_8);
            CompletableFuture<String> call = post("/refused-here", body);
            Peer refusing = server.handshake();
            refusing.send(new ResetFrame(refusing.awaitRequest().streamId(), ErrorCode.REFUSED_STREAM));
            Peer other = server.handshake();
            RequestHead again = other.awaitRequest();
            assertEquals("/refused-here", again.field(":path"));
            assertArrayEquals(body, other.awaitBody(again.streamId()));
            other.respond(again.streamId(), "served");
            assertEquals("200 served", result(call));
            assertEquals(2, server.connections());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST"})
    void doesNotSendAgainACallWhoseStreamTheServerReset(String method) {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            Peer peer = server.servesNextCallOnANewConnection(); // the call's connection is a reused one
            CompletableFuture<String> call = method.equals("GET") ? server.get("/")
                    : post("/", "once".getBytes(StandardCharsets.UTF_8));
            int id = peer.awaitRequest().streamId();
            peer.send(new ResetFrame(id, ErrorCode.INTERNAL_ERROR));
            assertFalse(failure(call, ConnectionClosedException.class).wasRequestRetried());
            servesAnotherCall(peer);
        });
    }

    @Test
    void sendsACallLeftOutOfAGoAwayAgainOnANewConnection() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = post("/", "not processed".getBytes(StandardCharsets.UTF_8));
            Peer first = server.handshake();
            first.awaitRequest();
            first.send(new GoAwayFrame(0, ErrorCode.NO_ERROR, new byte[0]));
            Peer second = server.handshake();
            second.respond(second.awaitRequest().streamId(), "second");
            assertEquals("200 second", result(call));
            first.awaitClosed();
            assertEquals(2, server.connections());
        });
    }

    @Test
    void sendsAGetAgainOnceWhenItsNewConnectionEndsUnderItAfterServingAnother() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            // Both calls start on the new connection before it carried a stream; it serves one, then ends without
            // GOAWAY under the other, which the server may have seen: as on a reused connection, the GET goes again.
            CompletableFuture<String> first = server.get("/first");
            CompletableFuture<String> second = server.get("/second");
            Peer peer = server.handshake();
            int answered = peer.awaitRequest().streamId();
            peer.awaitRequest();
            peer.respond(answered, "answered");
            CompletableFuture.anyOf(first, second).get(Http2ScriptedServer.WAIT.toMillis(), MILLISECONDS);
            peer.close();
            Peer next = server.handshake();
            next.respond(next.awaitRequest().streamId(), "again");
            assertEquals(List.of("200 again", "200 answered"), Stream.of(result(first), result(second)).sorted()
                    .toList());
        });
    }

    @Test
    void sendsABodyCutShortByAGoAwayWholeOnANewConnection() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = post("/", LARGE_BODY);
            Peer first = server.handshake();
            first.awaitRequest();
            first.send(new GoAwayFrame(0, ErrorCode.NO_ERROR, new byte[0])); // the body waits for the window
            Peer second = server.handshake(new Setting(Settings.INITIAL_WINDOW_SIZE, LARGE_BODY.length));
            int id = second.awaitRequest().streamId();
            second.send(new WindowUpdateFrame(0, LARGE_BODY.length));
            assertEquals(LARGE_BODY.length, second.awaitBody(id).length);
            second.respond(id, "whole");
            assertEquals("200 whole", result(call));
        });
    }

    @Test
    void completesACallIncludedInAGoAwayAndOpensANewConnectionForTheNext() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = server.get("/");
            Peer first = server.handshake();
            int id = first.awaitRequest().streamId();
            first.send(new GoAwayFrame(id, ErrorCode.NO_ERROR, new byte[0]));
            first.respond(id, "finished");
            assertEquals("200 finished", result(call));
            first.awaitClosed();
            server.servesNextCallOnANewConnection();
        });
    }

    @Test
    void stopsTheBodyAndKeepsTheWholeResponseWhenTheServerResetsTheStreamWithNoError() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CountingSource source = new CountingSource(10 * LARGE_BODY.length);
            CompletableFuture<String> call = server.fetch(Request.builder(server.url("/")).method("POST")
                    .body(source, source.length).build());
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            awaitWindowOfBody(peer, id); // the body's write now waits for the window
            peer.respond(id, "enough");
            peer.send(new ResetFrame(id, ErrorCode.NO_ERROR)); // RFC 9113 §8.1
            assertEquals("200 enough", result(call));
            assertTrue(source.taken < source.length, "the body was read to its end from its source");
            servesAnotherCall(peer);
        });
    }

    /** How a server cuts off the response it began while the request body still goes out. */
    private enum Cut {
        RESET_NO_ERROR, // which asks for no more of the body (RFC 9113 §8.1)
        RESET_INTERNAL_ERROR,
        GOAWAY_AND_CLOSE, // a GOAWAY that includes the stream
        CLOSE;

        void play(Peer peer, int id) throws IOException {
            switch (this) {
                case RESET_NO_ERROR -> peer.send(new ResetFrame(id, ErrorCode.NO_ERROR));
                case RESET_INTERNAL_ERROR -> peer.send(new ResetFrame(id, ErrorCode.INTERNAL_ERROR));
                case GOAWAY_AND_CLOSE -> {
                    peer.send(new GoAwayFrame(id, ErrorCode.NO_ERROR, new byte[0]));
                    peer.close();
                }
                case CLOSE -> peer.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Cut.class)
    void readsThePartOfAResponseThatCameBeforeTheServerCutItOffStillSendingTheBody(Cut cut) {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<Response> call = server.client().sendAsync(Request.builder(server.url("/"))
                    .method("POST").body(LARGE_BODY).build());
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            awaitWindowOfBody(peer, id);
            peer.headers(id, false, ":status", "200", "content-length", "17");
            peer.data(id, "all of it, no end", false); // the length announced, but no END_STREAM
            cut.play(peer, id);
            try (Response response = result(call)) {
                assertEquals(200, response.statusCode());
                assertEquals("all of it, no end", readUntilItFails(response, ConnectionClosedException.class));
            }
            servesAnotherCallAfter(cut, peer);
        });
    }

    @ParameterizedTest
    @EnumSource(value = Cut.class, names = {"GOAWAY_AND_CLOSE", "CLOSE"})
    void returnsAWholeResponseThatCameBeforeTheConnectionEndedUnderTheBody(Cut cut) {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = post("/", LARGE_BODY);
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            awaitWindowOfBody(peer, id);
            peer.headers(id, false, ":status", "413", "content-length", "9");
            peer.data(id, "too large", true);
            cut.play(peer, id);
            assertEquals("413 too large", result(call));
            servesAnotherCallAfter(cut, peer);
        });
    }

    /** Checks that the client goes on after a cut: on the same connection after a reset, else on a new one. */
    private void servesAnotherCallAfter(Cut cut, Peer peer) throws Exception {
        if (cut == Cut.GOAWAY_AND_CLOSE || cut == Cut.CLOSE) {
            server.servesNextCallOnANewConnection();
        } else {
            servesAnotherCall(peer);
        }
    }

    @Test
    void readsTheContentThatCameBeforeTheServerResetTheStream() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            Http2ScriptedServer.HeadSent head = server.headOfAGet();
            CompletableFuture<Response> call = head.call();
            Peer peer = head.peer();
            int id = head.streamId();
            try (Response response = result(call)) {
                peer.data(id, "the first part", false);
                peer.send(new ResetFrame(id, ErrorCode.INTERNAL_ERROR), new PingFrame(false, 1));
                peer.await(PingFrame.class, PingFrame::ack); // the client took the reset before the content is read
                assertEquals("the first part", readUntilItFails(response, ConnectionClosedException.class));
            }
            servesAnotherCall(peer);
        });
    }

    /** Reads DATA of a request until the server's first window of 65,535 bytes is spent. */
    private static void awaitWindowOfBody(Peer peer, int id) throws IOException {
        for (int received = 0; received < 65_535; ) {
            received += peer.await(DataFrame.class, data -> data.streamId() == id).data().length;
        }
    }

    /** Reads a response's body until the read fails as expected; returns what it read before. */
    private static String readUntilItFails(Response response, Class<? extends IOException> expected) {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        assertThrows(expected, () -> {
            for (int b; (b = response.body().read()) != -1; ) {
                read.write(b);
            }
        });
        return read.toString(StandardCharsets.UTF_8);
    }

    /** A request body's source of zeros that counts what was read of it. */
    private static final class CountingSource extends InputStream {
        final long length;
        volatile long taken;

        CountingSource(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            return read(new byte[1], 0, 1) == -1 ? -1 : 0;
        }

        @Override
        public int read(byte[] bytes, int offset, int count) {
            int n = (int) Math.min(count, length - taken);
            if (n <= 0) {
                return -1;
            }
            Arrays.fill(bytes, offset, offset + n, (byte) 0);
            taken += n;
            return n;
        }
    }

    @Test
    void sendsTheBodyAsTheServerShrinksThenOpensItsWindows() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            CompletableFuture<String> call = post("/", LARGE_BODY);
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            // §6.9.2: what the client sent of its first 65,535 bytes takes the stream's window below zero
            peer.send(new SettingsFrame(List.of(new Setting(Settings.INITIAL_WINDOW_SIZE, 0))));
            peer.send(new WindowUpdateFrame(id, 65_535 + LARGE_BODY.length),
                    new WindowUpdateFrame(0, LARGE_BODY.length));
            assertEquals(LARGE_BODY.length, peer.awaitBody(id).length);
            peer.respond(id, "all there");
            assertEquals("200 all there", result(call));
        });
    }

    @Test
    void failsWithAWriteTimeoutWhenTheServerNeverOpensItsWindow() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder().writeTimeout(Duration.ofMillis(300)));
            CompletableFuture<String> call = post("/", LARGE_BODY);
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            assertEquals(Timeout.WRITE, failure(call, TimeoutExceededException.class).timeout());
            peer.awaitReset(id, ErrorCode.CANCEL);
            servesAnotherCall(peer);
        });
    }

    @Test
    void failsOneStreamWithAReadTimeoutWhileAnotherGoesOn() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder().readTimeout(Duration.ofMillis(300)));
            CompletableFuture<String> silent = server.get("/silent");
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            CompletableFuture<String> answered = server.get("/answered");
            peer.respond(peer.awaitRequest().streamId(), "answered");
            assertEquals("200 answered", result(answered));
            assertEquals(Timeout.READ, failure(silent, TimeoutExceededException.class).timeout());
            peer.awaitReset(id, ErrorCode.CANCEL);
            peer.respond(id, "too late"); // §5.1: frames of a stream reset here are dropped
            servesAnotherCall(peer);
        });
    }

    @Test
    void failsWithACallTimeoutInTheMiddleOfTheBody() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder().callTimeout(Duration.ofMillis(300)));
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.headers(id, false, ":status", "200");
            peer.data(id, "the first part, and no more", false);
            assertEquals(Timeout.CALL, failure(call, TimeoutExceededException.class).timeout());
            peer.awaitReset(id, ErrorCode.CANCEL);
            servesAnotherCall(peer);
        });
    }

    @Test
    void resetsTheStreamOfACanceledCall() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder());
            Call call = server.client().call(Request.get(server.url("/")));
            CompletableFuture<Response> pending = call.executeAsync();
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            call.cancel();
            failure(pending, CallCanceledException.class);
            peer.awaitReset(id, ErrorCode.CANCEL);
            servesAnotherCall(peer);
        });
    }

    /** Checks that the connection still serves calls. */
    private void servesAnotherCall(Peer peer) throws Exception {
        server.servesNextCall(peer);
        assertEquals(1, server.connections());
    }

    @Test
    void failsWithAConnectTimeoutWhenTheServerAllowsNoStream() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder().maxConnectionsPerOrigin(1)
                    .connectTimeout(Duration.ofMillis(300)));
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.handshake(new Setting(Settings.MAX_CONCURRENT_STREAMS, 0));
            assertEquals(Timeout.CONNECT, failure(call, TimeoutExceededException.class).timeout());
            peer.await(SettingsFrame.class, SettingsFrame::ack);
            assertFalse(peer.hasUnreadInput(), "no stream was opened");
        });
    }

    @Test
    void givesBackTheOnlyStreamOfEveryCallThatFailed() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder().maxConnectionsPerOrigin(1)
                    .readTimeout(Duration.ofMillis(300)).connectTimeout(Duration.ofSeconds(2)));
            CompletableFuture<String> malformed = server.get("/malformed");
            Peer peer = server.handshake(new Setting(Settings.MAX_CONCURRENT_STREAMS, 1));
            peer.headers(peer.awaitRequest().streamId(), true, ":status", "200", "Upper", "case");
            failure(malformed, ResponseProtocolException.class);

            CompletableFuture<String> reset = server.get("/reset");
            peer.send(new ResetFrame(peer.awaitRequest().streamId(), ErrorCode.INTERNAL_ERROR));
            failure(reset, ConnectionClosedException.class);

            CompletableFuture<String> shortContent = server.get("/short");
            int id = peer.awaitRequest().streamId();
            peer.headers(id, false, ":status", "200", "content-length", "10");
            peer.data(id, "short", true);
            failure(shortContent, ResponseProtocolException.class);

            CompletableFuture<String> silent = server.get("/silent");
            peer.awaitRequest();
            failure(silent, TimeoutExceededException.class);

            Call canceled = server.client().call(Request.get(server.url("/canceled")));
            CompletableFuture<Response> pending = canceled.executeAsync();
            peer.awaitRequest();
            canceled.cancel();
            failure(pending, CallCanceledException.class);
            servesAnotherCall(peer);
        });
    }

    @Test
    void cancelsACallWaitingForAStream() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder().maxConnectionsPerOrigin(1));
            CompletableFuture<String> first = server.get("/first");
            Peer peer = server.handshake(new Setting(Settings.MAX_CONCURRENT_STREAMS, 1));
            int id = peer.awaitRequest().streamId();
            Call waiting = server.client().call(Request.get(server.url("/waiting")));
            CompletableFuture<Response> pending = waiting.executeAsync();
            waiting.cancel();
            failure(pending, CallCanceledException.class);
            peer.respond(id, "first");
            assertEquals("200 first", result(first));
            servesAnotherCall(peer);
        });
    }

    @Test
    void waitsForAStreamWhenTheServerLowersItsLimitToOne() {
        run(() -> {
            server = Http2ScriptedServer.start(ClientConfig.builder().maxConnectionsPerOrigin(1));
            CompletableFuture<String> first = server.get("/first");
            Peer peer = server.handshake();
            int id = peer.awaitRequest().streamId();
            peer.send(new SettingsFrame(List.of(new Setting(Settings.MAX_CONCURRENT_STREAMS, 1))));
            peer.await(SettingsFrame.class, SettingsFrame::ack);
            CompletableFuture<String> second = server.get("/second");
            Thread.sleep(300); // what must not happen has no event to wait for
            assertFalse(peer.hasUnreadInput(), "the second call waits for the first to end");
            peer.respond(id, "first");
            assertEquals("200 first", result(first));
            RequestHead next = peer.awaitRequest();
            assertEquals("/second", next.field(":path"));
            peer.respond(next.streamId(), "second");
            assertEquals("200 second", result(second));
            assertEquals(1, server.connections());
        });
    }
}
