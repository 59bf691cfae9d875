package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.http2.Setting;
import dev.wisp.http2.Settings;
import dev.wisp.http2.WindowUpdateFrame;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.TestTransport;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/2 handler whose write is blocked on a client that does not read, while the connection's reading side
 * waits without a thread and is woken by the client's end: the server's other waiting connections go on (an idle
 * HTTP/1.1 connection is answered at once). Before, the woken reading side could not tell the end from nothing
 * beside the write and handed its wait back to the input watcher, whose thread then waited for the write to switch
 * the channel's blocking mode, holding up every waiting connection of the server until the write timed out.
 */
class Http2StalledWriteIT {
    /** Far more than loopback's socket buffers hold, so the handler's write waits for the client. */
    private static final int FLOOD_BYTES = 64 << 20;
    private static final int MAX_WINDOW = Integer.MAX_VALUE;

    @BeforeAll
    static void plaintextOnly() {
        assumeFalse(TestTransport.isTls(), "the HTTP/2 client here speaks h2c and ends its side with a plain FIN");
    }

    @Test
    void aWriteBlockedOnAClientThatDoesNotReadHoldsUpNoOtherWaitingConnection() {
        CountDownLatch writing = new CountDownLatch(1);
        byte[] flood = new byte[FLOOD_BYTES];
        Server server = Server.create(Http2TestServers.config().writeTimeout(Duration.ofSeconds(30))
                .port(0).build(), Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .get("/flood", (request, response) -> {
                    writing.countDown();
                    response.send(flood);
                })
                .build()).start();
        try {
            assertTimeoutPreemptively(TestServers.TEST_TIMEOUT, () -> {
                try (RawPeer idle = RawPeer.connect(server.port());
                        Http2TestPeer stalled = Http2TestPeer.connect(server)) {
                    idle.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertEquals("hello\n", idle.readResponse().bodyText());

                    stalled.handshake(new Setting(Settings.INITIAL_WINDOW_SIZE, MAX_WINDOW));
                    stalled.send(new WindowUpdateFrame(0, MAX_WINDOW - Settings.DEFAULT.initialWindowSize()));
                    stalled.get(1, "/flood");
                    writing.await();
                    Thread.sleep(500); // the socket's buffers fill, and the handler's write waits for the client

                    stalled.shutdownOutput(); // wakes the stalled connection's wait, beside the blocked write
                    Thread.sleep(200);
                    idle.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertEquals("hello\n", idle.readResponse().bodyText(), "the idle connection was answered");
                }
            });
        } finally {
            server.stop(Duration.ZERO);
        }
    }
}
