package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bypass list's rules, as curl's --noproxy and NO_PROXY have them. */
class ProxyConfigTest {
    private static final ProxyConfig PROXY = ProxyConfig.http("proxy.local", 3128);

    @Test
    void aNameMatchesItselfAndTheNamesUnderItWithOrWithoutALeadingDot() {
        for (String list : new String[] {"example.com", ".example.com", " other.test , EXAMPLE.com."}) {
            ProxyConfig proxy = PROXY.withBypass(list);
            assertTrue(proxy.bypasses("example.com"), list);
            assertTrue(proxy.bypasses("www.Example.COM"), list);
            assertTrue(proxy.bypasses("a.b.example.com."), list);
            assertFalse(proxy.bypasses("badexample.com"), list);
            assertFalse(proxy.bypasses("example.com.evil.test"), list);
        }
    }

    @Test
    void addressesMatchExactlyAndAStarMatchesEverything() {
        ProxyConfig proxy = PROXY.withBypass("127.0.0.1,[::1],10.0.0.0/8");
        assertTrue(proxy.bypasses("127.0.0.1"));
        assertTrue(proxy.bypasses("::1"));
        assertTrue(proxy.bypasses("[::1]"));
        assertFalse(proxy.bypasses("127.0.0.2"));
        assertFalse(proxy.bypasses("10.1.2.3"), "CIDR ranges are not understood");
        assertTrue(PROXY.withBypass("*").bypasses("anything.example"));
        assertFalse(PROXY.withBypass("").bypasses("anything.example"));
        assertFalse(PROXY.bypasses("localhost"), "no list, no bypass");
    }
}
