package dev.wisp.websocket.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.testing.CarrierHog;
import dev.wisp.websocket.WebSocketConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The idle ping goes out from a virtual thread of its own, which a loaded machine may run late; the peer is taken
 * for dead only once a ping reached it and pongTimeout passed, never while the ping waits for its thread (which once
 * ended a connection before its ping, and a peer read the end where a frame should be). {@link CarrierHog} keeps the
 * ping's thread from running for several pongTimeouts while the sweeper, a platform thread, goes on.
 */
@Isolated("CarrierHog stops every virtual thread of this JVM: no other test may run meanwhile")
class LateIdlePingIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final Duration HOG = Duration.ofMillis(800);

    @Test
    void takesAPeerForDeadOnlyAfterItsPingWentOut() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (SocketPair pair = new SocketPair()) {
                WebSocketConfig pinging = WebSocketConfig.builder().pingInterval(Duration.ofMillis(50))
                        .pongTimeout(Duration.ofMillis(150)).build();
                RecordingListener server = new RecordingListener(true);
                pair.serverSession(pinging, Agreement.NONE, server);
                try (CarrierHog hog = CarrierHog.start()) {
                    Thread.sleep(HOG.toMillis()); // the sweeper asks for a ping at 50 ms; it cannot go out
                }
                // The client end is a raw socket that never answers: a whole ping (FIN, opcode 9, no payload,
                // unmasked), then the end of the stream once pongTimeout has passed after it.
                assertArrayEquals(new byte[] {(byte) 0x89, 0}, pair.client.input().readAllBytes());
                assertEquals(List.of("open", "error SocketTimeoutException: no answer to a ping within 150 ms "
                        + "(pongTimeout)"), server.awaitEnd());
            }
        });
    }
}
