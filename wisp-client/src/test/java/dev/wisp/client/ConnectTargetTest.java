package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectTargetTest {
    private static final ConnectTarget RULES = ConnectTarget.rules(List.of(
            new ConnectTarget.Rule("Api.Example", 443, "node2.internal", 8443),
            new ConnectTarget.Rule("api.example", 0, null, 9000),
            new ConnectTarget.Rule(null, 80, "127.0.0.1", 0)));

    @Test
    void takesTheFirstRuleThatMatchesHostAndPortInAnyCase() {
        assertEquals(Origin.tls("node2.internal", 8443), RULES.of(Origin.tls("api.example", 443)));
        assertEquals(Origin.tls("api.example", 9000), RULES.of(Origin.tls("API.example", 8080)),
                "any port, and the origin's host");
        assertEquals(Origin.plaintext("127.0.0.1", 80), RULES.of(Origin.plaintext("other.example", 80)),
                "any host, and the origin's port");
    }

    @Test
    void leavesAnOriginNoRuleMatchesAsItIs() {
        Origin origin = Origin.tls("other.example", 443);
        assertEquals(origin, RULES.of(origin));
        assertEquals(origin, ConnectTarget.ORIGIN.of(origin));
    }

    @Test
    void refusesAPortOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new ConnectTarget.Rule("a", 70_000, "b", 1));
        assertThrows(IllegalArgumentException.class, () -> new ConnectTarget.Rule("a", 1, "b", -1));
    }
}
