package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.testing.ChildJava;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TosReflectingNamespace;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The IP type of service as it goes on the wire: the client runs in a network namespace of its own where the
 * kernel gives each accepted socket the TOS byte of the client's SYN ({@code tcp_reflect_tos}), and a python3 peer
 * answers with what its accepted socket got. Without the option the peer sees 0, so a client that set nothing
 * would fail every other line.
 */
class TypeOfServiceOnTheWireIT {

    @Test
    void theAcceptedSocketSeesExactlyTheTypeOfServiceAskedForAndZeroWithoutIt() throws Exception {
        PeerTools.Result result = TosReflectingNamespace.run(Duration.ofSeconds(60),
                ChildJava.command(TypeOfServiceProbe.class, "-XX:+UseSerialGC", "-Xmx64m"));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("""
                none 0
                LOW_DELAY 16
                THROUGHPUT 8
                RELIABILITY 4
                LOW_COST UnsupportedSocketOptionException: IP_TOS 0x02 was not applied: the socket kept 0x00
                raw-0xb8 184
                """, result.stdout());
    }
}
