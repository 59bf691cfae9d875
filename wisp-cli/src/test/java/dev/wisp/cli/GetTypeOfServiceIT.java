package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.testing.PeerTools;
import dev.wisp.testing.TosReflectingNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code wisp get --ip-tos} as it goes on the wire: the jar runs in a network namespace of its own whose kernel
 * gives each accepted socket the TOS byte of the client's SYN, and the peer there answers with what it got.
 */
class GetTypeOfServiceIT {

    /**
     * Runs {@code wisp get} once per {@code --ip-tos} value, then without it, printing each answer (or error) and
     * exit code. Linux keeps the TOS byte's two low bits for ECN, so "mincost" (0x02) is refused, with curl's exit
     * code for a connection that could not be made.
     */
    private static final String RUNS = """
            url=http://127.0.0.1:%d/
            for tos in lowdelay throughput reliability mincost 0xb8; do
                printf '%%s ' "$tos"; "$@" --ip-tos "$tos" "$url" 2>&1; echo " exit $?"
            done
            printf 'none '; "$@" "$url" 2>&1; echo " exit $?"
            """.formatted(TosReflectingNamespace.PORT);

    @Test
    void theAcceptedSocketSeesTheTypeOfServiceOfTheFlag() throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", "-c", RUNS, "sh"));
        command.addAll(WispProcess.command("get").command());
        PeerTools.Result result = TosReflectingNamespace.run(Duration.ofSeconds(90), command);
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("""
                lowdelay 16 exit 0
                throughput 8 exit 0
                reliability 4 exit 0
                mincost wisp get: IP_TOS 0x02 was not applied: the socket kept 0x00
                 exit 7
                0xb8 184 exit 0
                none 0 exit 0
                """, result.stdout());
    }
}
