package dev.wisp.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.client.Http2ScriptedServer.Peer;
import dev.wisp.http2.PingFrame;
import dev.wisp.http2.Setting;
import dev.wisp.http2.Settings;
import dev.wisp.http2.WindowUpdateFrame;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/2 request body whose write is blocked on a server that stopped reading (its windows wide open, the socket's
 * buffers full) holds the connection's output up to the write timeout: meanwhile the connection goes on reading the
 * server's frames, and a connection error found ends the connection, and fails the call, within a second or so rather
 * than at the write timeout. Before, the reading thread waited for the blocked write to answer a PING, and the
 * connection's GOAWAY and the end of its output waited for it too. A response that came before the server closed the
 * connection under the blocked write is returned, though the write failed first.
 */
class Http2ClientStalledWriteIT {
    /** Far more than loopback's socket buffers hold, so the body's write waits for the server. */
    private static final int BODY_BYTES = 64 << 20;
    private static final int MAX_WINDOW = Integer.MAX_VALUE;
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);
    /** Below the write timeout, which a test that fails waits for. */
    private static final Duration LIMIT = Duration.ofSeconds(45);
    /** Well below the write timeout, and generous for a loaded machine. */
    private static final long PROMPT_SECONDS = 20;
    private static final int WINDOW_UPDATE = 0x8;

    @AutoClose
    private Http2ScriptedServer server;

    @Test
    void aConnectionErrorWhileTheBodyWriteIsBlockedFailsTheCallAtOnce() {
        assertTimeoutPreemptively(LIMIT, () -> {
            startServer();
            CompletableFuture<String> call = upload();
            Peer peer = handshakeWideOpen();
            peer.awaitRequest();
            peer.goSilent();
            Thread.sleep(500); // the sockets' buffers fill, and the body's write waits for the server
            // §6.9: a WINDOW_UPDATE of 0 on the connection is a connection error
            peer.sendFrame(WINDOW_UPDATE, 0, 0, new byte[4]);
            assertThrows(ExecutionException.class, () -> call.get(PROMPT_SECONDS, SECONDS));
        });
    }

    @Test
    void theConnectionGoesOnReadingFramesWhileTheBodyWriteIsBlocked() {
        assertTimeoutPreemptively(LIMIT, () -> {
            startServer();
            CompletableFuture<String> other = server.get("/other");
            Peer peer = handshakeWideOpen();
            int otherStream = peer.awaitRequest().streamId();
            CompletableFuture<String> upload = upload();
            peer.awaitRequest();
            peer.pauseReading();
            Thread.sleep(500); // the sockets' buffers fill, and the body's write waits for the server
            peer.send(new PingFrame(false, 42)); // its acknowledgement cannot go out now
            peer.respond(otherStream, "other");
            assertEquals("200 other", other.get(PROMPT_SECONDS, SECONDS), "the response after the PING was not read");
            peer.resumeReading();
            upload.cancel(true);
        });
    }

    @Test
    void returnsTheResponseThatCameBeforeTheConnectionEndedUnderTheBlockedBodyWrite() {
        assertTimeoutPreemptively(LIMIT, () -> {
            startServer();
            CompletableFuture<String> call = upload();
            Peer peer = handshakeWideOpen();
            int id = peer.awaitRequest().streamId();
            peer.pauseReading(); // the body's write fills the sockets' buffers and waits for the server
            peer.headers(id, false, ":status", "413", "content-length", "9");
            peer.data(id, "too large", true);
            peer.close(); // with the body unread: the client's write fails with a reset, or a broken pipe
            assertEquals("413 too large", call.get(PROMPT_SECONDS, SECONDS));
            peer.resumeReading();
        });
    }

    private void startServer() throws IOException {
        server = Http2ScriptedServer.start(ClientConfig.builder().writeTimeout(WRITE_TIMEOUT)
                .readTimeout(WRITE_TIMEOUT));
    }

    /** Accepts the client's connection with every flow-control window wide open: only the sockets hold a write back. */
    private Peer handshakeWideOpen() throws Exception {
        Peer peer = server.handshake(new Setting(Settings.INITIAL_WINDOW_SIZE, MAX_WINDOW));
        peer.send(new WindowUpdateFrame(0, MAX_WINDOW - Settings.DEFAULT.initialWindowSize()));
        return peer;
    }

    private CompletableFuture<String> upload() {
        return server.fetch(Request.builder(server.url("/upload")).method("POST").body(new byte[BODY_BYTES]).build());
    }
}
