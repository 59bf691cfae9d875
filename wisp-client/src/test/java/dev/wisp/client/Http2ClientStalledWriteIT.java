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
 * connection's GOAWAY and the end of its output waited for it too.
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
            server = Http2ScriptedServer.start(ClientConfig.builder().writeTimeout(WRITE_TIMEOUT)
                    .readTimeout(WRITE_TIMEOUT));
            CompletableFuture<String> call = upload();
            Peer peer = server.handshake(new Setting(Settings.INITIAL_WINDOW_SIZE, MAX_WINDOW));
            peer.send(new WindowUpdateFrame(0, MAX_WINDOW - Settings.DEFAULT.initialWindowSize()));
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
            server = Http2ScriptedServer.start(ClientConfig.builder().writeTimeout(WRITE_TIMEOUT)
                    .readTimeout(WRITE_TIMEOUT));
            CompletableFuture<String> other = server.get("/other");
            Peer peer = server.handshake(new Setting(Settings.INITIAL_WINDOW_SIZE, MAX_WINDOW));
            peer.send(new WindowUpdateFrame(0, MAX_WINDOW - Settings.DEFAULT.initialWindowSize()));
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

    private CompletableFuture<String> upload() {
        return server.fetch(Request.builder(server.url("/upload")).method("POST").body(new byte[BODY_BYTES]).build());
    }
}
