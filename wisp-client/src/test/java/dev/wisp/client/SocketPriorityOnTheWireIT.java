package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.testing.ChildJava;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.PriorityObservingNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Linux's {@code SO_PRIORITY} as the kernel applies it: the client runs in a network namespace of its own, where a
 * python3 peer reads the option on the client's own socket (a copy of its descriptor, through {@code pidfd_getfd})
 * and the priority of every packet sent there (an eBPF filter on {@code lo}). Without the option both are 0, so a
 * client that set nothing, set it after connecting, or let the type of service replace it would fail its line.
 */
class SocketPriorityOnTheWireIT {

    @Test
    void theSocketAndItsPacketsCarryExactlyThePriorityAskedFor() throws Exception {
        PeerTools.Result result = PriorityObservingNamespace.run(Duration.ofSeconds(60), probe(List.of(), "none", "0",
                "1", "6", "7", "THROUGHPUT", "6+THROUGHPUT", "6-ipv6", "5-bound"));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("""
                none SO_PRIORITY 0, on the wire [0]
                0 SO_PRIORITY 0, on the wire [0]
                1 SO_PRIORITY 1, on the wire [0, 1]
                6 SO_PRIORITY 6, on the wire [0, 6]
                7 SO_PRIORITY 7, on the wire [0, 7]
                THROUGHPUT SO_PRIORITY 2, on the wire [0, 2]
                6+THROUGHPUT SO_PRIORITY 6, on the wire [0, 6]
                6-ipv6 SO_PRIORITY 6, on the wire [0, 6]
                5-bound SO_PRIORITY 5, on the wire [0, 5]
                """, result.stdout());
    }

    /**
     * Without {@code CAP_NET_ADMIN} and {@code CAP_NET_RAW} (dropped from the bounding set, so root loses them at
     * exec) the kernel takes 0 to 6 only: 7 fails the connection with the kernel's reason, and is never dropped
     * silently.
     */
    @Test
    void aPriorityTheKernelRefusesFailsTheConnectionNamingTheOptionAndValue() throws Exception {
        String setpriv = PeerTools.require("setpriv").toString();
        PeerTools.Result result = PriorityObservingNamespace.run(Duration.ofSeconds(60),
                probe(List.of(setpriv, "--bounding-set=-net_admin,-net_raw"), "6", "7"));
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("""
                6 SO_PRIORITY 6, on the wire [0, 6]
                7 UnsupportedSocketOptionException: SO_PRIORITY 7 was refused: Operation not permitted (a priority\
                 above 6 needs CAP_NET_ADMIN or CAP_NET_RAW)
                """, result.stdout());
    }

    /** The probe in a child JVM on this test's class and module paths, started through the prefix. */
    private static List<String> probe(List<String> prefix, String... settings) {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(ChildJava.command(SocketPriorityProbe.class, "-XX:+UseSerialGC", "-Xmx64m",
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(List.of(settings));
        return command;
    }
}
