package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        assertEquals(4, Upstream.lengthUnder("/api", "/api"));
        assertEquals(4, Upstream.lengthUnder("/api/x", "/api"));
        assertEquals(-1, Upstream.lengthUnder("/apix", "/api"));
        assertEquals(-1, Upstream.lengthUnder("/ap", "/api"));
        assertEquals(0, Upstream.lengthUnder("/anything", ""));
    }

    @Test
    void anUnreservedCharacterPercentEncodedIsItself() {
        assertEquals(6, Upstream.lengthUnder("/a%70i/x", "/api"), "RFC 3986 §6.2.2.2");
        assertEquals(6, Upstream.lengthUnder("/a%70i", "/api"));
        assertEquals(8, Upstream.lengthUnder("/%61%50i/x", "/aPi"), "either case of hex digits, each its letter");
        assertEquals(-1, Upstream.lengthUnder("/a%50i", "/api"), "P is not p");
        assertEquals(-1, Upstream.lengthUnder("/api%2Fx", "/api"), "an encoded slash ends no segment");
        assertEquals(-1, Upstream.lengthUnder("/a%2Fi", "/a/i"), "nor stands for one");
        assertEquals(-1, Upstream.lengthUnder("/a%7", "/api"));
        assertEquals(-1, Upstream.lengthUnder("/a%zzi", "/api"));
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
