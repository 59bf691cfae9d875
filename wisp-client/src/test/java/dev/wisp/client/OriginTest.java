package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class OriginTest {
    @Test
    void takesTlsAndTheDefaultPortFromTheScheme() {
        assertEquals(Origin.tls("example.com", 443), Origin.of(URI.create("https://Example.COM/a")));
        assertEquals(Origin.plaintext("example.com", 80), Origin.of(URI.create("http://example.com")));
        assertEquals(Origin.plaintext("::1", 8080), Origin.of(URI.create("http://[::1]:8080/")));
        assertTrue(Origin.of(URI.create("https://x/")).isTls());
        assertFalse(Origin.of(URI.create("http://x/")).isTls());
    }

    @Test
    void isEqualToAnotherOriginOfTheSameSchemeHostAndPortOnly() {
        Origin origin = Origin.tls("Example.com", 8443);
        assertEquals(Origin.tls("example.COM", 8443), origin);
        assertEquals(Origin.tls("example.com", 8443).hashCode(), origin.hashCode());
        assertNotEquals(Origin.plaintext("example.com", 8443), origin);
        assertNotEquals(Origin.tls("example.org", 8443), origin);
        assertNotEquals(Origin.tls("example.com", 443), origin);
        assertNotEquals(Origin.plaintext("example.com", 8443).hashCode(), origin.hashCode());
        assertNotEquals(origin, "https://example.com:8443");
    }

    @Test
    void writesTheHostFieldWithThePortOnlyWhenItIsNotTheDefault() {
        assertEquals("example.com", Origin.tls("example.com", 443).hostField());
        assertEquals("example.com:8443", Origin.tls("example.com", 8443).hostField());
        assertEquals("[::1]:8080", Origin.plaintext("::1", 8080).hostField());
        assertEquals(URI.create("https://example.com:443/status?x=1"), Origin.tls("example.com", 443)
                .uri("/status?x=1"));
    }

    @Test
    void refusesOtherSchemesAndBadPorts() {
        assertEquals("URI scheme must be http or https: ftp://x/",
                assertThrows(IllegalArgumentException.class, () -> Origin.of(URI.create("ftp://x/"))).getMessage());
        assertEquals("port must be 1..65535: 0",
                assertThrows(IllegalArgumentException.class, () -> Origin.tls("x", 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Request.get("mailto:someone@example.com"));
    }
}
