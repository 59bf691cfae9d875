package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UpstreamTest {
    @Test
    void mapsPathsBelowTheBasePath() {
        Upstream base = Upstream.of(URI.create("https://api.internal/v1/"));
        assertEquals("/v1", base.basePath());
        assertEquals(URI.create("https://api.internal:443/v1/users?id=7"), base.uri("/users", "id=7"));
        assertEquals(URI.create("https://api.internal:443/v1"), base.uri("", null));
        Upstream root = Upstream.of(URI.create("http://[::1]:9000"));
        assertEquals(URI.create("http://[::1]:9000/"), root.uri("", null));
        assertEquals(URI.create("http://[::1]:9000/a%2Fb"), root.uri("/a%2Fb", null));
    }

    @Test
    void refusesWhatIsNotABaseUri() {
        for (String bad : new String[] {"ftp://host/", "http://host/?q", "http://user@host/", "http://host/#f",
                "/path"}) {
            assertThrows(IllegalArgumentException.class, () -> Upstream.of(URI.create(bad)), bad);
        }
    }

    @Test
    void pathsUnderAPrefixEndOnASegment() {
        assertTrue(Upstream.isUnder("/api", "/api"));
        assertTrue(Upstream.isUnder("/api/x", "/api"));
        assertFalse(Upstream.isUnder("/apix", "/api"));
        assertTrue(Upstream.isUnder("/anything", ""));
    }

    @Test
    void locationsIntoTheUpstreamPointAtTheProxy() {
        Upstream base = Upstream.of(URI.create("http://10.0.0.5:8080/v1"));
        assertEquals(Optional.of("https://example.com/api/next?q=1#top"),
                base.publicLocation("http://10.0.0.5:8080/v1/next?q=1#top", "https://example.com", "/api"));
        assertEquals(Optional.of("https://example.com/"),
                base.publicLocation("http://10.0.0.5:8080/v1", "https://example.com", ""));
        assertEquals(Optional.empty(), base.publicLocation("http://10.0.0.5:8080/v2/x", "https://e.com", "/api"));
        assertEquals(Optional.empty(), base.publicLocation("http://10.0.0.5:8081/v1/x", "https://e.com", "/api"));
        assertEquals(Optional.empty(), base.publicLocation("https://10.0.0.5:8080/v1/x", "https://e.com", "/api"));
        assertEquals(Optional.empty(), base.publicLocation("/v1/x", "https://e.com", "/api"));
        assertEquals(Optional.empty(), base.publicLocation("http://u@10.0.0.5:8080/v1/x", "https://e.com", ""));
        assertEquals(Optional.empty(), base.publicLocation("not a uri", "https://e.com", ""));
        Upstream defaultPort = Upstream.of(URI.create("http://app"));
        assertEquals(Optional.of("http://proxy:81/x"),
                defaultPort.publicLocation("http://APP:80/x", "http://proxy:81", ""));
    }
}
