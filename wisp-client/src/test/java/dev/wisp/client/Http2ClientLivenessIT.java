package dev.wisp.client;

import static dev.wisp.client.Http2ScriptedServer.failure;
import static dev.wisp.client.Http2ScriptedServer.result;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.Http2ScriptedServer.Peer;
import dev.wisp.client.TimeoutExceededException.Timeout;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.PingFrame;
import dev.wisp.http2.SettingsFrame;
import dev.wisp.testing.CarrierHog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * How the HTTP/2 client tells a live connection from a dead one, against {@link Http2ScriptedServer}: a server that
 * goes silent without closing the connection (a host gone, a NAT entry dropped) is found by the PING that follows a
 * read timeout or with a call after a long quiet, and its connection replaced; a slow server that answers the PING
 * keeps its connection; a server that never acknowledges our SETTINGS ends its connection with SETTINGS_TIMEOUT
 * (RFC 9113 §6.5.3); and a connection whose reading thread is not scheduled while frames wait for it is ended.
 */
@Isolated("CarrierHog stops every virtual thread of this JVM: no other test may run meanwhile")
class Http2ClientLivenessIT {
    private static final Duration LIMIT = Duration.ofSeconds(15);
    private static final Duration READ_TIMEOUT = Duration.ofMillis(500);
    private static final Duration PONG_TIMEOUT = Duration.ofMillis(200);
    /**
     * How long the carriers are kept busy: the client looks once a second, and ends the connection once 2 s of looks
     * found the reading thread blocked while the socket held bytes; room for a slow machine.
     */
    private static final Duration HOG = Duration.ofSeconds(6);
    /** How long a call on a connection whose reading thread is lost may wait to fail: found lost after about 4 s. */
    private static final Duration LOST_CALL_WAIT = Duration.ofSeconds(20);
    /**
     * How soon after the bytes came a reading thread blocked in its read must be found lost: the client's looks, once a
     * second, need 2 s of them to find the bytes unread, the first once the connection has been silent for a second,
     * so 3 to 4 s (with 5 s of looks, as before, 6 to 7 s). A first call after a full heap must not wait out a read
     * timeout of 5 s on such a connection.
     */
    private static final Duration FOUND_ASLEEP_WITHIN = Duration.ofMillis(5_500);

    @AutoClose
    private Http2ScriptedServer server;
    /** Why each connection of the client closed, in order. */
    private final BlockingQueue<String> disconnects = new LinkedBlockingQueue<>();

    private static void run(Executable test) {
        assertTimeoutPreemptively(LIMIT, test);
    }

    private ClientConfig.Builder config() {
        return ClientConfig.builder().readTimeout(READ_TIMEOUT).pongTimeout(PONG_TIMEOUT)
                .eventListener(new EventListener() {
                    @Override
                    public void disconnected(ConnectionInfo connection, String reason) {
                        disconnects.add(reason);
                    }
                });
    }

    /** Waits for the client to close a connection, and checks it was for the silence after a PING. */
    private void awaitFoundDead() throws InterruptedException {
        String reason = disconnects.poll(Http2ScriptedServer.WAIT.toMillis(), MILLISECONDS);
        assertTrue(reason != null && reason.contains("pongTimeout"), "closed for " + reason);
    }

    /** Serves the client's first call on its first connection, and returns that connection. */
    private Peer firstConnection() throws Exception {
        CompletableFuture<String> first = server.get("/first");
        Peer peer = server.handshake();
        peer.respond(peer.awaitRequest().streamId(), "first");
        assertEquals("200 first", result(first));
        return peer;
    }

    @Test
    void replacesAConnectionWhoseServerWentSilentAndKeepsServingTheOrigin() {
        run(() -> {
            server = Http2ScriptedServer.start(config());
            Peer live = firstConnection();
            for (int round = 1; round <= 3; round++) {
                CompletableFuture<String> lost = server.get("/lost");
                live.awaitRequest();
                live.goSilent();
                assertEquals(Timeout.READ, failure(lost, TimeoutExceededException.class).timeout());
                // The next call may go to the silent connection before it is found dead; it goes again on a new one.
                live = server.servesNextCallOnANewConnection();
                awaitFoundDead();
                server.servesNextCall(live);
                assertEquals(1, server.client().openConnections(), "round " + round);
                assertEquals(round + 1, server.connections());
            }
        });
    }

    @Test
    void endsASilentConnectionAndFailsItsOtherStreamsAsClosed() {
        run(() -> {
            server = Http2ScriptedServer.start(config());
            CompletableFuture<String> first = server.get("/first");
            Peer peer = server.handshake();
            peer.awaitRequest();
            peer.goSilent();
            assertEquals(Timeout.READ, failure(first, TimeoutExceededException.class).timeout());
            // A call that comes before the connection is found dead goes to it; found dead before its own read
            // timeout, it fails as closed, and a POST is not sent again.
            CompletableFuture<String> post = server.fetch(Request.builder(server.url("/second")).method("POST")
                    .body("not idempotent").build());
            ConnectionClosedException closed = failure(post, ConnectionClosedException.class);
            assertTrue(closed.getMessage().contains("pongTimeout")
                    && closed.getMessage().contains("POST was not retried"), closed.getMessage());
            assertTrue(closed.getCause().getMessage().contains("pongTimeout"), closed.getCause().getMessage());
            awaitFoundDead();
            assertEquals(0, server.client().openConnections());
            assertEquals(1, server.connections());
        });
    }

    @Test
    void keepsTheConnectionOfASlowServerThatAnswersPings() {
        run(() -> {
            server = Http2ScriptedServer.start(config());
            CompletableFuture<String> slow = server.get("/slow");
            Peer peer = server.handshake();
            peer.awaitRequest();
            assertEquals(Timeout.READ, failure(slow, TimeoutExceededException.class).timeout());
            peer.await(PingFrame.class, ping -> !ping.ack()); // answered by the server's reading thread
            // Well past the pong timeout, the connection is still open, and serves the next calls.
            assertNull(disconnects.poll(3 * PONG_TIMEOUT.toMillis(), MILLISECONDS));
            server.servesNextCall(peer);
            server.servesNextCall(peer);
            assertEquals(1, server.connections());
            assertEquals(1, server.client().openConnections());
        });
    }

    @Test
    void pingsWithTheNextCallAConnectionQuietForLongAndReplacesItIfDead() {
        run(() -> {
            server = Http2ScriptedServer.start(config().readTimeout(Duration.ofSeconds(10)));
            Peer peer = firstConnection();
            peer.goSilent();
            assertNull(disconnects.poll(2 * PONG_TIMEOUT.toMillis(), MILLISECONDS), "quiet, and still open");
            // Found dead within the pong timeout of the next call's PING, long before its read timeout: it goes again.
            server.servesNextCallOnANewConnection();
            awaitFoundDead();
            assertEquals(1, server.client().openConnections());
        });
    }

    @Test
    void keepsAQuietConnectionThatAnswersThePingOfTheNextCall() {
        run(() -> {
            server = Http2ScriptedServer.start(config());
            Peer peer = firstConnection();
            assertNull(disconnects.poll(2 * PONG_TIMEOUT.toMillis(), MILLISECONDS), "quiet, and still open");
            // The server answers nothing before the PING: the client judges the quiet after the call's head went out,
            // and a response that came first, on a busy machine, showed the server there, so that no PING was due.
            CompletableFuture<String> next = server.get("/next");
            int id = peer.awaitRequest().streamId();
            peer.await(PingFrame.class, ping -> !ping.ack()); // answered by the server's reading thread
            peer.respond(id, "next");
            assertEquals("200 next", result(next));
            assertNull(disconnects.poll(2 * PONG_TIMEOUT.toMillis(), MILLISECONDS));
            server.servesNextCall(peer);
            assertEquals(1, server.connections());
        });
    }

    /**
     * The server's SETTINGS that opens the connection is a frame heard from it: a handshake slower than the pong
     * timeout does not make the first call send a PING, as if the connection had been quiet since it was made.
     */
    @Test
    void sendsNoPingWithTheFirstCallAfterASlowOpeningSettings() {
        run(() -> {
            server = Http2ScriptedServer.start(config());
            CompletableFuture<String> first = server.get("/first");
            Peer peer = server.accept();
            Thread.sleep(3 * PONG_TIMEOUT.toMillis());
            peer.send(new SettingsFrame(List.of())); // acknowledged below, after the call's head
            int id = peer.awaitRequest().streamId();
            peer.send(SettingsFrame.ACK);
            peer.respond(id, "first");
            assertEquals("200 first", result(first));
            peer.send(new PingFrame(false, 42)); // its answer comes after anything the client sent before it
            peer.await(PingFrame.class, ping -> ping.ack() && ping.payload() == 42);
            assertEquals(List.of(), peer.received().stream()
                    .filter(frame -> frame instanceof PingFrame ping && !ping.ack()).toList());
            assertNull(disconnects.poll(2 * PONG_TIMEOUT.toMillis(), MILLISECONDS));
        });
    }

    @Test
    void endsAConnectionWhoseReadingThreadIsNotScheduledWhileFramesWait() {
        assertTimeoutPreemptively(LIMIT.plus(HOG), () -> {
            server = Http2ScriptedServer.start(config());
            Peer peer = firstConnection();
            try (CarrierHog hog = CarrierHog.start()) {
                // The reading thread, blocked in its read, cannot run to take the PING: as one the JDK lost.
                peer.send(new PingFrame(false, 7));
                Thread.sleep(HOG.toMillis());
            }
            String reason = disconnects.poll(Http2ScriptedServer.WAIT.toMillis(), MILLISECONDS);
            assertTrue(reason != null && reason.contains("blocked in a read"), "closed for " + reason);
            server.servesNextCallOnANewConnection();
            assertEquals(1, server.client().openConnections());
            assertEquals(2, server.connections());
        });
    }

    /**
     * A call waiting on a connection whose reading thread is lost fails as soon as the connection is found so, without
     * waiting for that thread or for its own read timeout, and it is found so within {@link #FOUND_ASLEEP_WITHIN}: the
     * carriers stay busy until the call has failed.
     */
    @Test
    void failsTheCallsOfAConnectionWhoseReadingThreadIsLostWithoutWaitingForIt() {
        assertTimeoutPreemptively(LIMIT.plus(LOST_CALL_WAIT), () -> {
            Duration longWait = Duration.ofSeconds(60);
            server = Http2ScriptedServer.start(config().readTimeout(longWait).pongTimeout(longWait));
            Peer peer = firstConnection();
            CompletableFuture<Throwable> post = new CompletableFuture<>();
            Thread.ofPlatform().name("test-post").start(() -> { // a platform thread, which the busy carriers let run
                try (Response response = server.client().send(Request.builder(server.url("/post")).method("POST")
                        .body("not idempotent").build())) {
                    post.complete(null);
                } catch (Throwable e) {
                    post.complete(e);
                }
            });
            peer.awaitRequest();
            try (CarrierHog hog = CarrierHog.start()) {
                peer.send(new PingFrame(false, 7));
                long sentNanos = System.nanoTime();
                Throwable failure = post.get(LOST_CALL_WAIT.toMillis(), MILLISECONDS);
                Duration waited = Duration.ofNanos(System.nanoTime() - sentNanos);
                assertTrue(waited.compareTo(FOUND_ASLEEP_WITHIN) < 0, "found lost after " + waited);
                assertTrue(failure instanceof ConnectionClosedException closed
                        && closed.getMessage().contains("blocked in a read")
                        && closed.getMessage().contains("POST was not retried"), String.valueOf(failure));
            }
        });
    }

    @Test
    void endsTheConnectionWithSettingsTimeoutWhenTheServerNeverAcknowledgesOurSettings() {
        run(() -> {
            server = Http2ScriptedServer.start(config().connectTimeout(Duration.ofMillis(300)));
            CompletableFuture<String> call = server.get("/");
            Peer peer = server.accept();
            peer.send(new SettingsFrame(List.of())); // and no acknowledgement of the client's
            peer.awaitRequest();
            peer.awaitGoAway(ErrorCode.SETTINGS_TIMEOUT);
            ResponseProtocolException e = failure(call, ResponseProtocolException.class);
            assertTrue(e.getMessage().contains("SETTINGS"), e.getMessage());
            server.servesNextCallOnANewConnection();
            assertEquals(1, server.client().openConnections());
        });
    }
}
