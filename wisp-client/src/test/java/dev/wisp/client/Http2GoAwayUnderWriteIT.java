package dev.wisp.client;

import static dev.wisp.client.Http2ScriptedServer.failure;
import static dev.wisp.client.Http2ScriptedServer.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.Http2ScriptedServer.Peer;
import dev.wisp.client.Http2ScriptedServer.RequestHead;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.GoAwayFrame;
import dev.wisp.testing.CarrierHog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A request head whose write fails because the server ended the connection after its GOAWAY (RFC 9113 §6.8), as nginx
 * does after its keepalive_requests, while the client's reading thread has not reached that GOAWAY yet: a busy machine
 * leaves it unscheduled for a while, which {@link CarrierHog} makes certain here. Whether the request goes again is
 * the GOAWAY's to decide, however long the reading thread takes to read it: a stream above its last stream id was not
 * processed and goes again, even a POST; one at or below it may have been, and a POST does not.
 */
@Isolated("CarrierHog stops every virtual thread of this JVM: no other test may run meanwhile")
class Http2GoAwayUnderWriteIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    /**
     * How long the client's reading thread stays unscheduled after the head's write failed: longer than the second
     * the client used to wait for it before deciding without the GOAWAY.
     */
    private static final Duration READER_LATE = Duration.ofMillis(2_500);

    @AutoClose
    private Http2ScriptedServer server;

    @Test
    void sendsAgainAPostWhoseHeadFailedOnAStreamTheGoAwayLeftOutThoughTheReaderReadItLate() {
        assertTimeoutPreemptively(LIMIT, () -> {
            server = Http2ScriptedServer.start(ClientConfig.builder().readTimeout(Duration.ofSeconds(10)));
            Peer first = server.servesNextCallOnANewConnection(); // on stream 1
            CompletableFuture<String> post = postWhileTheReaderIsLate(first, 1);
            Peer second = server.handshake();
            RequestHead again = second.awaitRequest();
            assertEquals("POST", again.field(":method"));
            assertEquals("not processed", new String(second.awaitBody(again.streamId()), StandardCharsets.UTF_8));
            second.respond(again.streamId(), "second");
            assertEquals("200 second", result(post));
            assertEquals(2, server.connections());
        });
    }

    @Test
    void doesNotSendAgainAPostWhoseHeadFailedOnAStreamTheGoAwayIncluded() {
        assertTimeoutPreemptively(LIMIT, () -> {
            server = Http2ScriptedServer.start(ClientConfig.builder().readTimeout(Duration.ofSeconds(10)));
            Peer first = server.servesNextCallOnANewConnection(); // on stream 1
            CompletableFuture<String> post = postWhileTheReaderIsLate(first, 3); // the POST's stream is 3
            ConnectionClosedException closed = failure(post, ConnectionClosedException.class);
            assertFalse(closed.wasRequestRetried());
            assertTrue(closed.getMessage().contains("POST was not retried"), closed.getMessage());
            assertEquals(1, server.connections());
        });
    }

    /**
     * With the client's reading thread kept from running, sends GOAWAY with this last stream id and resets the
     * connection, then starts a POST on a platform thread (which the busy carriers let run): its head's write fails,
     * with the GOAWAY unread. The reading thread runs again {@link #READER_LATE} later.
     */
    private CompletableFuture<String> postWhileTheReaderIsLate(Peer peer, int lastStreamId) throws Exception {
        CompletableFuture<String> post = new CompletableFuture<>();
        peer.stopReading();
        try (CarrierHog hog = CarrierHog.start()) {
            peer.send(new GoAwayFrame(lastStreamId, ErrorCode.NO_ERROR, new byte[0]));
            peer.reset();
            Thread.ofPlatform().name("test-post").start(() -> {
                try (Response response = server.client().send(Request.builder(server.url("/post")).method("POST")
                        .body("not processed").build())) {
                    post.complete(response.statusCode() + " " + response.text());
                } catch (Throwable e) {
                    post.completeExceptionally(e);
                }
            });
            Thread.sleep(READER_LATE.toMillis());
            assertFalse(post.isDone(), () -> "the POST was decided while the reading thread could not run: "
                    + (post.isCompletedExceptionally() ? post.exceptionNow() : post.getNow(null)));
        }
        return post;
    }
}
