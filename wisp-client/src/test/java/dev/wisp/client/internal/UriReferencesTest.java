package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URI;
import java.net.URISyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reference resolution against the examples of RFC 3986 §5.4, where {@link URI#resolve(URI)} differs from it. */
class UriReferencesTest {
    private static final URI BASE = URI.create("http://a/b/c/d;p?q");

    @ParameterizedTest
    @CsvSource(delimiter = ' ', value = {
        // §5.4.1 normal examples
        "g:h g:h", "g http://a/b/c/g", "./g http://a/b/c/g", "g/ http://a/b/c/g/", "/g http://a/g",
        "//g http://g", "?y http://a/b/c/d;p?y", "g?y http://a/b/c/g?y", "#s http://a/b/c/d;p?q#s",
        "g#s http://a/b/c/g#s", "g?y#s http://a/b/c/g?y#s", ";x http://a/b/c/;x", "g;x http://a/b/c/g;x",
        "'' http://a/b/c/d;p?q", ". http://a/b/c/", "./ http://a/b/c/", ".. http://a/b/", "../ http://a/b/",
        "../g http://a/b/g", "../.. http://a/", "../../ http://a/", "../../g http://a/g",
        // §5.4.2 abnormal examples
        "../../../g http://a/g", "../../../../g http://a/g", "/./g http://a/g", "/../g http://a/g",
        "g. http://a/b/c/g.", ".g http://a/b/c/.g", "g.. http://a/b/c/g..", "..g http://a/b/c/..g",
        "./../g http://a/b/g", "./g/. http://a/b/c/g/", "g/./h http://a/b/c/g/h", "g/../h http://a/b/c/h",
        "g;x=1/./y http://a/b/c/g;x=1/y", "g;x=1/../y http://a/b/c/y", "g?y/./x http://a/b/c/g?y/./x",
        "http://x/a/../b http://x/b", "%2e%2E/g http://a/b/g", "/.%2e/%2E/g http://a/g"})
    void resolvesAsRfc3986Does(String reference, String expected) throws URISyntaxException {
        String resolved = UriReferences.resolve(BASE, new URI(reference)).toString();
        assertEquals(expected, resolved);
    }

    @Test
    void resolvesAgainstABaseWithAnEmptyPath() throws URISyntaxException {
        URI base = URI.create("http://a");
        assertEquals("http://a/g", UriReferences.resolve(base, new URI("g")).toString());
        assertEquals("http://a?x", UriReferences.resolve(base, new URI("?x")).toString());
    }

    @Test
    void removesDotSegmentsOnlyWhereThereAreSome() {
        URI plain = URI.create("http://a/b.c/d?e=../f");
        assertSame(plain, UriReferences.withoutDotSegments(plain));
        assertEquals("http://a/b/d?q=1", UriReferences.withoutDotSegments(URI.create("http://a/b/c/../d?q=1"))
                .toString());
        assertEquals("http://a/", UriReferences.withoutDotSegments(URI.create("http://a/..")).toString());
    }
}
