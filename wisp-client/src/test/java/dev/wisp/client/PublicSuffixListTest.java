package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerTools;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public suffix list's rules (plain, wildcard, exception, Unicode names) and the cookie jar refusing cookies for
 * real public suffixes of Debian's list (package {@code publicsuffix}).
 */
class PublicSuffixListTest {
    private static PublicSuffixList debianList() throws IOException {
        if (!Files.isReadable(PublicSuffixList.DEBIAN_FILE)) {
            return PeerTools.missing(PublicSuffixList.DEBIAN_FILE + " is missing (Debian package publicsuffix)");
        }
        return PublicSuffixList.load(PublicSuffixList.DEBIAN_FILE);
    }

    @Test
    void readsPlainWildcardExceptionAndUnicodeRulesSkippingComments(@TempDir Path directory) throws IOException {
        Path file = Files.writeString(directory.resolve("list.dat"), """
                // a comment
                uk
                co.uk  trailing text after white space is not part of the rule

                *.ck
                !www.ck
                公司.cn
                """);
        PublicSuffixList list = PublicSuffixList.load(file);
        assertEquals(5, list.size());
        assertTrue(list.isPublicSuffix("co.uk"));
        assertTrue(list.isPublicSuffix("CO.UK"));
        assertFalse(list.isPublicSuffix("example.co.uk"));
        assertTrue(list.isPublicSuffix("anything.ck"), "wildcard");
        assertFalse(list.isPublicSuffix("www.ck"), "exception");
        assertTrue(list.isPublicSuffix("xn--55qx5d.cn"), "kept in punycode, as hosts come");
        assertTrue(list.isPublicSuffix("localhost"), "a single label is always a public suffix");
        assertFalse(list.isPublicSuffix("example.com"));
    }

    @Test
    void withoutAListOnlySingleLabelsArePublicSuffixes() {
        assertTrue(PublicSuffixList.singleLabel().isPublicSuffix("com"));
        assertFalse(PublicSuffixList.singleLabel().isPublicSuffix("co.uk"));
    }

    @Test
    void theSystemListIsDebiansWhenInstalled() throws IOException {
        PublicSuffixList debian = debianList();
        assertTrue(debian.size() > 5000, debian.toString());
        assertEquals(debian.size(), PublicSuffixList.system().size());
    }

    @Test
    void aJarRefusesCookiesForRealPublicSuffixesAndKeepsThoseForRegisteredNames() throws IOException {
        CookieJar jar = CookieJar.create(debianList());
        jar.receive(URI.create("https://www.example.co.uk/"),
                List.of("uk=1; Domain=co.uk", "site=2; Domain=example.co.uk"));
        jar.receive(URI.create("https://someone.github.io/"),
                List.of("io=3; Domain=github.io", "own=4; Domain=someone.github.io"));
        // *.kawasaki.jp is a wildcard rule, and !city.kawasaki.jp its exception
        jar.receive(URI.create("https://a.shop.kawasaki.jp/"), List.of("wild=5; Domain=shop.kawasaki.jp"));
        jar.receive(URI.create("https://www.city.kawasaki.jp/"), List.of("city=6; Domain=city.kawasaki.jp"));
        assertEquals(List.of("site=2", "own=4", "city=6"),
                jar.cookies().stream().map(cookie -> cookie.name() + "=" + cookie.value()).toList());
        assertEquals("", jar.cookieHeader(URI.create("https://other.co.uk/")).orElse(""));
        assertEquals("", jar.cookieHeader(URI.create("https://other.github.io/")).orElse(""));
    }

    @Test
    void aDefaultJarUsesTheSystemList() throws IOException {
        debianList();
        CookieJar jar = CookieJar.create();
        jar.receive(URI.create("https://someone.github.io/"), List.of("io=3; Domain=github.io"));
        assertTrue(jar.cookies().isEmpty());
    }
}
