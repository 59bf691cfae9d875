package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.ChildJava;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.PortLimitedNamespace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client that runs out of local ports (a namespace whose range for outgoing connections holds two: what a gateway
 * that opens connections faster than the system's range allows meets, each closed one holding its port in
 * TIME_WAIT): a call that finds none free fails at once with {@link ConnectFailedException}, saying that no local
 * port was free; the connections it has go on serving; and once ports are free again it connects as before.
 */
class LocalPortExhaustionIT {

    @Test
    void failsAtOnceAndClearlyWhenNoLocalPortIsFreeAndConnectsOnceOneIs() throws Exception {
        PeerTools.Result result = PortLimitedNamespace.run(Duration.ofSeconds(60),
                ChildJava.command(LocalPortsProbe.class, "-XX:+UseSerialGC", "-Xmx64m"));
        assertEquals(0, result.exitCode(), result.stderr());
        List<String> lines = result.stdout().lines().toList();
        assertEquals(5, lines.size(), result.stdout());
        assertTrue(lines.get(0).startsWith("third: ConnectFailedException: cannot connect to 127.0.0.1:"
                + PortLimitedNamespace.PORT) && lines.get(0).contains("no local port was free"), lines.get(0));
        assertEquals(List.of("third took under a second: true", "first two: ok ok", "next: ok reused true",
                "once the ports are free: ok"), lines.subList(1, 5), result.stdout());
    }
}
