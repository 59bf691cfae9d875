package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.ConnectRefusedException;
import dev.wisp.client.TimeoutExceededException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamsTest {
    private final Upstream a = Upstream.of(URI.create("http://a:1"));
    private final Upstream b = Upstream.of(URI.create("http://b:2"));
    private final Upstream c = Upstream.of(URI.create("http://c:3"));

    @Test
    void takesTurnsEvenlyAmongThoseNotLeftOut() {
        Upstreams upstreams = new Upstreams(List.of(a, b, c));
        Map<Upstream, Integer> firsts = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            List<Upstream> order = upstreams.order();
            assertEquals(3, order.size());
            firsts.merge(order.get(0), 1, Integer::sum);
        }
        assertEquals(Map.of(a, 10, b, 10, c, 10), firsts);

        upstreams.failed(b);
        firsts.clear();
        for (int i = 0; i < 20; i++) {
            List<Upstream> order = upstreams.order();
            assertFalse(order.contains(b), order.toString());
            firsts.merge(order.get(0), 1, Integer::sum);
        }
        assertEquals(Map.of(a, 10, c, 10), firsts);

        upstreams.answered(b);
        assertTrue(upstreams.order().contains(b));
    }

    @Test
    void allAreTriedWhenAllAreLeftOut() {
        Upstreams upstreams = new Upstreams(List.of(a, b));
        upstreams.failed(a);
        upstreams.failed(b);
        assertEquals(2, upstreams.order().size());
        assertThrows(IllegalArgumentException.class, () -> new Upstreams(List.of()));
    }

    @Test
    void onlyFailuresBeforeAnythingWasSentMoveOn() {
        assertTrue(Upstreams.failedToConnect(new ConnectRefusedException("refused", null)));
        assertTrue(Upstreams.failedToConnect(new TimeoutExceededException(TimeoutExceededException.Timeout.CONNECT,
                "connecting", Duration.ofSeconds(1))));
        assertFalse(Upstreams.failedToConnect(new TimeoutExceededException(TimeoutExceededException.Timeout.READ,
                "reading", Duration.ofSeconds(1))));
    }
}
