package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.ResetFrame;
import dev.wisp.testing.LogCapture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code maxHeldContentBytes}: the request content all HTTP/2 connections hold unread at once. Each connection's
 * windows bound what it holds, not what many hold together: 300 connections that sent their windows' worth to
 * handlers that did not read filled a 256 MiB heap, and the server never served again. Past the budget a stream is
 * reset with ENHANCE_YOUR_CALM, the server says so once, and once content is read or dropped it takes more again.
 */
class Http2HeldContentIT {
    private static final int FRAME = 16 * 1024;
    private static final int STREAM_WINDOW = 256 * 1024;

    @Test
    void resetsAStreamPastTheBudgetAndTakesContentAgainOnceItFrees() {
        assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
            CountDownLatch release = new CountDownLatch(1);
            Router router = Router.builder()
                    .post("/hold", (request, response) -> {
                        try {
                            release.await(20, TimeUnit.SECONDS); // reads nothing meanwhile
                        } catch (InterruptedException e) {
                            return;
                        }
                        response.send("released\n");
                    })
                    .post("/count", (request, response) -> response.send(request.bodyBytes().length + "\n"))
                    .build();
            ServerConfig config = Http2TestServers.config().maxHeldContentBytes(300 * 1024).port(0).build();
            try (LogCapture log = LogCapture.of("dev.wisp.core.SharedBudget");
                    Server server = Server.create(config, router).start();
                    Http2TestPeer peer = Http2TestPeer.connect(server)) {
                peer.handshake();
                peer.headers(1, false, Http2TestPeer.request("POST", "/hold"));
                sendWindow(peer, 1, false); // held: 256 KiB of the 300
                peer.headers(3, false, Http2TestPeer.request("POST", "/hold"));
                sendWindow(peer, 3, false); // past the budget at its third frame
                peer.expectReset(3, ErrorCode.ENHANCE_YOUR_CALM);
                assertEquals(1, log.records().size(), "said once: " + log.records());

                peer.send(new ResetFrame(1, ErrorCode.CANCEL)); // its content is dropped, and goes back
                peer.headers(5, false, Http2TestPeer.request("POST", "/count"));
                sendWindow(peer, 5, true);
                Http2TestPeer.Response counted = peer.expectResponse(5);
                assertEquals(200, counted.status());
                assertEquals(STREAM_WINDOW + "\n", new String(counted.body(), StandardCharsets.US_ASCII));
            } finally {
                release.countDown();
            }
        });
    }

    /** A stream window's worth of DATA in frames of the default size, the last ending the stream if asked. */
    private static void sendWindow(Http2TestPeer peer, int streamId, boolean endStream) throws Exception {
        for (int sent = 0; sent < STREAM_WINDOW; sent += FRAME) {
            boolean last = sent + FRAME == STREAM_WINDOW;
            peer.sendFrame(0, last && endStream ? Http2TestPeer.END_STREAM : 0, streamId, new byte[FRAME]);
        }
    }
}
