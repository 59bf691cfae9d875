package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 6265's storage model and Cookie field, and the Netscape file format, without sockets. */
class CookieJarTest {
    private static final Instant NOW = Instant.parse("2099-01-01T00:00:00Z");
    private static final URI SHOP = URI.create("https://www.shop.example/cart/items?x=1");

    private final CookieJar jar = CookieJar.create(Clock.fixed(NOW, ZoneOffset.UTC));

    private String header(String uri) {
        return jar.cookieHeader(URI.create(uri)).orElse("");
    }

    @Test
    void sendsHostOnlyCookiesToTheHostAndDomainCookiesToSubdomainsToo() {
        jar.receive(SHOP, List.of("host=1", "dom=2; Domain=.Shop.Example", "other=3; Domain=elsewhere.example"));
        assertEquals("host=1; dom=2", header("https://www.shop.example/cart/"));
        assertEquals("dom=2", header("https://api.shop.example/cart/"));
        assertEquals("dom=2", header("https://shop.example/cart/"));
        assertEquals("", header("https://evilshop.example/cart/"));
        assertEquals("", header("https://elsewhere.example/"), "a domain the host is not in is refused");
    }

    @Test
    void refusesADomainCookieForASingleLabelPublicSuffixUnlessItIsTheHost() {
        jar.receive(SHOP, List.of("a=1; Domain=example"));
        jar.receive(URI.create("http://localhost/"), List.of("b=2; Domain=localhost"));
        assertEquals(List.of("b=2"), jar.cookies().stream().map(c -> c.name() + "=" + c.value()).toList());
        assertTrue(jar.cookies().getFirst().hostOnly());
        assertEquals("", header("http://sub.localhost/"));
    }

    @Test
    void matchesPathsAndDefaultsThePathToTheRequestsDirectory() {
        jar.receive(SHOP, List.of("deflt=1", "root=2; Path=/", "deep=3; Path=/cart/items/more", "bad=4; Path=rel"));
        assertEquals("deflt=1; bad=4; root=2", header("https://www.shop.example/cart/x"));
        assertEquals("deflt=1; bad=4; root=2", header("https://www.shop.example/cart"));
        assertEquals("root=2", header("https://www.shop.example/cartoon"));
        assertEquals("deep=3; deflt=1; bad=4; root=2", header("https://www.shop.example/cart/items/more/x"));
    }

    @Test
    void keepsSecureCookiesToHttpsAndTakesThemOnlyFromHttps() {
        jar.receive(SHOP, List.of("s=1; Secure; HttpOnly; SameSite=Strict"));
        jar.receive(URI.create("http://www.shop.example/cart/"), List.of("t=2; Secure"));
        assertEquals("s=1", header("https://www.shop.example/cart/"));
        assertEquals("", header("http://www.shop.example/cart/"));
        Cookie kept = jar.cookies().getFirst();
        assertTrue(kept.httpOnly());
        assertEquals(Cookie.SameSite.STRICT, kept.sameSite());
    }

    @Test
    void takesPrefixedCookiesOnlyWhenTheyKeepTheirPrefixesPromise() {
        jar.receive(SHOP, List.of("__Host-ok=1; Secure; Path=/", "__Host-nosecure=2; Path=/",
                "__Host-dom=3; Secure; Path=/; Domain=shop.example", "__Host-path=4; Secure; Path=/cart",
                "__host-case=5; Path=/", "__Secure-ok=6; Secure", "__Secure-no=7", "__SECURE-case=8"));
        jar.receive(URI.create("http://www.shop.example/"), List.of("__Host-plain=9; Path=/"));
        assertEquals(List.of("__Host-ok", "__Secure-ok"), jar.cookies().stream().map(Cookie::name).sorted().toList());
    }

    @Test
    void keepsACookieForAnAddressHostOnly() {
        jar.receive(URI.create("http://127.0.0.1:8080/"), List.of("a=1; Domain=127.0.0.1"));
        assertTrue(jar.cookies().getFirst().hostOnly());
        assertEquals("a=1", header("http://127.0.0.1/"));
    }

    @Test
    void expiresByMaxAgeBeforeExpiresAndRemovesOnAPastDate() {
        jar.receive(SHOP, List.of("a=1; Expires=Wed, 01 Jan 2098 00:00:00 GMT; Max-Age=60",
                "b=2; Expires=Fri, 01-Jan-2100 00:00:00 GMT", "c=3; Max-Age=0", "d=4; expires=garbage"));
        assertEquals(Optional.of(NOW.plusSeconds(60)), jar.cookies().get(0).expires());
        assertEquals(Optional.of(Instant.parse("2100-01-01T00:00:00Z")), jar.cookies().get(1).expires());
        assertEquals(List.of("a", "b", "d"), jar.cookies().stream().map(Cookie::name).toList());
        jar.receive(SHOP, List.of("b=gone; Expires=Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(List.of("a", "d"), jar.cookies().stream().map(Cookie::name).toList());
    }

    @Test
    void parsesTheDateFormatsServersSend() {
        Instant expected = Instant.parse("1994-11-06T08:49:37Z");
        for (String date : List.of("Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                "Sun Nov  6 08:49:37 1994", "6 nov 1994 08:49:37")) {
            assertEquals(Optional.of(expected), CookieDates.parse(date), date);
        }
        assertEquals(Optional.empty(), CookieDates.parse("31 Feb 2026 00:00:00"));
        assertEquals(Optional.empty(), CookieDates.parse("Sun, 06 Nov 1994"));
    }

    @Test
    void ignoresCookiesWithoutANameOrTooLong() {
        jar.receive(SHOP, List.of("novalue", "=empty", "big=" + "x".repeat(SetCookieParser.MAX_COOKIE_BYTES)));
        assertEquals(List.of(), jar.cookies());
    }

    /**
     * A control character ignores the cookie (RFC 6265bis §5.6), a tab too: the cookie file separates its fields with
     * tabs, and a jar that saved {@code sid=abc<TAB>def} could not be read again, its other cookies lost with it.
     */
    @Test
    void ignoresCookiesWithControlCharactersTabsIncluded(@TempDir Path directory) throws IOException {
        jar.receive(SHOP, List.of("tab=abc\tdef; Path=/", "path=1; Path=/x\tTRUE", "nul=a\u0000b", "del=a\u007fb",
                "kept=1", "around=2;\tPath=/", "after=3\t; Path=/", "before=\t4"));
        // A tab around the name, value or an attribute is white space (RFC 6265 §5.2), as curl takes it.
        assertEquals(List.of("kept", "around", "after", "before"), jar.cookies().stream().map(Cookie::name).toList());
        assertEquals(List.of("1", "2", "3", "4"), jar.cookies().stream().map(Cookie::value).toList());
        Path file = directory.resolve("cookies.txt");
        jar.save(file);
        assertEquals(jar.cookies(), CookieJar.load(file).cookies());
    }

    /** A Max-Age past what a long holds is the longest kept, not no Max-Age (a session cookie, before). */
    @Test
    void takesAMaxAgeOfManyDigitsAsTheLongest() {
        jar.receive(SHOP, List.of("a=1; Max-Age=99999999999999999999", "b=2; Max-Age=99999999999",
                "c=3; Max-Age=-99999999999999999999"));
        assertEquals(List.of("a", "b"), jar.cookies().stream().map(Cookie::name).toList());
        assertEquals(jar.cookies().get(1).expires(), jar.cookies().get(0).expires());
        assertTrue(jar.cookies().get(0).expires().orElseThrow().isAfter(NOW.plusSeconds(100L * 365 * 24 * 3600)));
    }

    @Test
    void savesAndLoadsTheNetscapeFormat(@TempDir Path directory) throws IOException {
        jar.receive(SHOP, List.of("a=1; Domain=shop.example; Path=/; Max-Age=3600; Secure", "b=two words; HttpOnly"));
        Path file = directory.resolve("cookies.txt");
        jar.save(file);
        String text = Files.readString(file);
        assertTrue(text.startsWith("# Netscape HTTP Cookie File\n"), text);
        assertTrue(text.contains(".shop.example\tTRUE\t/\tTRUE\t" + NOW.plusSeconds(3600).getEpochSecond()
                + "\ta\t1\n"), text);
        assertTrue(text.contains("#HttpOnly_www.shop.example\tFALSE\t/cart\tFALSE\t0\tb\ttwo words\n"), text);
        CookieJar loaded = CookieJar.load(file);
        assertEquals(jar.cookies(), loaded.cookies());
        Files.writeString(file, "example.com\tFALSE\t/\n");
        assertEquals(file + ":1: not a cookies.txt line (7 fields separated by tabs)",
                assertThrows(IOException.class, () -> CookieJar.load(file)).getMessage());
    }
}
