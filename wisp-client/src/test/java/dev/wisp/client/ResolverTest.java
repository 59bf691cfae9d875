package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The system resolver's localhost names (RFC 6761 §6.3), and fixed addresses before a fallback. */
class ResolverTest {
    @Test
    void takesLocalhostAndTheNamesUnderItForTheLoopbackOfBothFamilies() throws Exception {
        List<InetAddress> loopback = List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"));
        for (String name : List.of("localhost", "LocalHost", "localhost.", "app.localhost", "a.b.LOCALHOST.")) {
            assertEquals(loopback, Resolver.SYSTEM.resolve(name, 80), name);
        }
    }

    @Test
    void asksTheSystemForANameThatOnlyEndsLikeLocalhost() {
        // Names under .invalid never resolve (RFC 6761 §6.4); one that only looks like localhost goes to the system.
        assertThrows(UnknownHostException.class, () -> Resolver.SYSTEM.resolve("notlocalhost.invalid", 80));
        assertThrows(UnknownHostException.class, () -> Resolver.SYSTEM.resolve("localhost.invalid", 80));
    }

    @Test
    void fixedAddressesComeBeforeTheFallback() throws Exception {
        InetAddress pinned = InetAddress.getByName("192.0.2.7");
        Resolver resolver = Resolver.fixed(Map.of("Pinned.test:443", List.of(pinned)), Resolver.SYSTEM);
        assertEquals(List.of(pinned), resolver.resolve("pinned.test", 443));
        assertEquals(2, resolver.resolve("localhost", 443).size());
    }
}
