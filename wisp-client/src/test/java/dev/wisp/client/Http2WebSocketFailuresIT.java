package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.http2.DataFrame;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.ResetFrame;
import dev.wisp.http2.Settings;
import dev.wisp.http2.Setting;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import dev.wisp.websocket.WebSocketProtocolException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How a WebSocket over HTTP/2 (RFC 8441) fails against a scripted server, in the client's documented types: a stream
 * the server resets mid-session ends it with the {@link ConnectionClosedException} a call's reset stream gives (the
 * listener's {@code onError}, or {@code receive()}), where the client's internal type reached the application before;
 * and a 101 to the extended CONNECT, which HTTP/2 does not allow (RFC 9113 §8.6), is a
 * {@link ResponseProtocolException}, where the codec's own exception came through.
 */
class Http2WebSocketFailuresIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void aStreamTheServerResetsEndsTheListenersSessionAsAClosedConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Http2ScriptedServer server = Http2ScriptedServer.start(ClientConfig.builder())) {
                Http2ScriptedServer.Peer peer = connected(server);
                CompletableFuture<IOException> error = new CompletableFuture<>();
                CompletableFuture<WebSocket> opened = open(server, failuresTo(error));
                int id = answer(peer, "200");
                opened.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
                peer.send(new ResetFrame(id, ErrorCode.INTERNAL_ERROR));
                IOException failure = error.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
                assertInstanceOf(ConnectionClosedException.class, failure, failure.toString());
                assertTrue(failure.getMessage().contains("INTERNAL_ERROR"), failure.getMessage());
            }
        });
    }

    @Test
    void aStreamTheServerResetsFailsReceiveAsAClosedConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Http2ScriptedServer server = Http2ScriptedServer.start(ClientConfig.builder())) {
                Http2ScriptedServer.Peer peer = connected(server);
                CompletableFuture<WebSocket> opened = open(server, null);
                int id = answer(peer, "200");
                WebSocket webSocket = opened.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
                peer.send(new ResetFrame(id, ErrorCode.CANCEL));
                assertThrows(ConnectionClosedException.class, webSocket::receive);
            }
        });
    }

    /**
     * A server that breaks the protocol is failed at once (RFC 6455 §7.1.7): the close frame, then the stream's reset,
     * which cannot overtake it, and the error told; over HTTP/1.1 the client waits for the server's close lest a TCP
     * reset destroy its close frame, which over HTTP/2 made it tell the error only at closeTimeout.
     */
    @Test
    void aServerThatBreaksTheProtocolIsFailedAtOnceNotAtTheCloseTimeout() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Http2ScriptedServer server = Http2ScriptedServer.start(ClientConfig.builder())) {
                Http2ScriptedServer.Peer peer = connected(server);
                CompletableFuture<IOException> error = new CompletableFuture<>();
                WebSocketConfig waitsLong = WebSocketConfig.builder().closeTimeout(Duration.ofMinutes(5)).build();
                CompletableFuture<WebSocket> opened = open(server, waitsLong, failuresTo(error));
                int id = answer(peer, "200");
                opened.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
                // A masked frame from a server (§5.1): a protocol error.
                peer.send(new DataFrame(id, new byte[] {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2},
                        false));
                IOException failure = error.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
                assertInstanceOf(WebSocketProtocolException.class, failure, failure.toString());
                peer.awaitReset(id, ErrorCode.CANCEL);
            }
        });
    }

    @Test
    void a101ToTheExtendedConnectIsAProtocolError() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Http2ScriptedServer server = Http2ScriptedServer.start(ClientConfig.builder())) {
                Http2ScriptedServer.Peer peer = connected(server);
                CompletableFuture<WebSocket> opened = open(server, null);
                answer(peer, "101");
                ResponseProtocolException failure = Http2ScriptedServer.failure(opened,
                        ResponseProtocolException.class);
                assertTrue(failure.getMessage().contains("WebSocket CONNECT"), failure.getMessage());
            }
        });
    }

    /** A listener that completes {@code error} with the failure it hears. */
    private static WebSocketListener failuresTo(CompletableFuture<IOException> error) {
        return new WebSocketListener() {
            @Override
            public void onError(WebSocket webSocket, IOException failure) {
                error.complete(failure);
            }
        };
    }

    /** The pool's HTTP/2 connection, made by a call, whose server takes extended CONNECT. */
    private static Http2ScriptedServer.Peer connected(Http2ScriptedServer server) throws Exception {
        CompletableFuture<String> first = server.get("/first");
        Http2ScriptedServer.Peer peer = server.handshake(new Setting(Settings.ENABLE_CONNECT_PROTOCOL, 1));
        peer.respond(peer.awaitRequest().streamId(), "first");
        assertEquals("200 first", Http2ScriptedServer.result(first));
        return peer;
    }

    /** Opens a WebSocket on a thread of its own: read by the listener, or by receive() if it is null. */
    private static CompletableFuture<WebSocket> open(Http2ScriptedServer server, WebSocketListener listener) {
        return open(server, WebSocketConfig.defaults(), listener);
    }

    private static CompletableFuture<WebSocket> open(Http2ScriptedServer server, WebSocketConfig config,
            WebSocketListener listener) {
        String url = server.url("/ws").replace("http:", "ws:");
        CompletableFuture<WebSocket> opened = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                opened.complete(listener == null ? server.client().webSocket(url, config)
                        : server.client().webSocket(url, config, listener));
            } catch (Throwable e) {
                opened.completeExceptionally(e);
            }
        });
        return opened;
    }

    /** Answers the extended CONNECT with this status and no end of stream; returns its stream's id. */
    private static int answer(Http2ScriptedServer.Peer peer, String status) throws IOException {
        Http2ScriptedServer.RequestHead connect = peer.awaitRequest();
        assertTrue(connect.fields().stream().anyMatch(field -> field.name().equals(":protocol")
                && field.value().equals("websocket")), connect.toString());
        peer.headers(connect.streamId(), false, ":status", status);
        return connect.streamId();
    }
}
