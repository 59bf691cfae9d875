package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Set-Cookie fields built and checked against RFC 6265 §4.1 and what browsers require. */
class SetCookieTest {
    @Test
    void writesEveryAttributeInOrder() {
        SetCookie cookie = SetCookie.builder("id", "a3fWa")
                .expires(Instant.parse("2015-10-21T07:28:00Z"))
                .maxAge(Duration.ofDays(30))
                .domain("example.com")
                .path("/docs")
                .secure(true)
                .httpOnly(true)
                .sameSite(SetCookie.SameSite.NONE)
                .partitioned(true)
                .build();

        assertEquals("id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Max-Age=2592000; Domain=example.com;"
                + " Path=/docs; Secure; HttpOnly; SameSite=None; Partitioned", cookie.toString());
    }

    @Test
    void writesOnlyNameAndValueWithoutAttributes() {
        assertEquals("theme=dark", SetCookie.builder("theme", "dark").build().toString());
        assertEquals("empty=", SetCookie.builder("empty", "").build().toString());
        assertEquals("q=\"quoted\"", SetCookie.builder("q", "\"quoted\"").build().toString());
    }

    @Test
    void derivesAVariantThatRemovesTheCookie() {
        SetCookie session = SetCookie.builder("session", "abc").path("/").sameSite(SetCookie.SameSite.LAX).build();

        assertEquals("session=; Max-Age=0; Path=/; SameSite=Lax",
                SetCookie.builder(session.name(), "").path("/").sameSite(SetCookie.SameSite.LAX)
                        .maxAge(Duration.ZERO).build().toString());
        assertEquals(session, session.toBuilder().build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a;b", "a,b", "a\\b", "a\"b", "caf\u00e9", "a\u007fb", "\"unclosed"})
    void refusesAValueOutsideCookieOctets(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> SetCookie.builder("n", value).build());
        assertEquals(true, e.getMessage().startsWith("cookie value has a character outside cookie-octet"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a=b", "a;b", "(x)"})
    void refusesANameThatIsNotAToken(String name) {
        var e = assertThrows(IllegalArgumentException.class, () -> SetCookie.builder(name, "v").build());
        assertEquals("cookie name is not a token: '" + name + "'", e.getMessage());
    }

    @Test
    void refusesBadDomainsPathsAndNegativeMaxAge() {
        assertThrows(IllegalArgumentException.class, () -> SetCookie.builder("a", "b").domain("ex ample.com").build());
        assertThrows(IllegalArgumentException.class, () -> SetCookie.builder("a", "b").domain("a;b").build());
        assertThrows(IllegalArgumentException.class, () -> SetCookie.builder("a", "b").path("/a;b").build());
        assertThrows(IllegalArgumentException.class, () -> SetCookie.builder("a", "b").path("/a\r\n").build());
        assertThrows(IllegalArgumentException.class,
                () -> SetCookie.builder("a", "b").maxAge(Duration.ofSeconds(-1)).build());
        assertEquals("a=b; Domain=.example.com", SetCookie.builder("a", "b").domain(".example.com").build()
                .toString());
    }

    @Test
    void refusesSameSiteNoneAndPartitionedWithoutSecure() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SetCookie.builder("a", "b").sameSite(SetCookie.SameSite.NONE).build());
        assertEquals("cookie 'a' needs secure(true): browsers drop it without (SameSite=None, Partitioned,"
                + " __Secure- and __Host- names)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SetCookie.builder("a", "b").partitioned(true).build());
    }

    @Test
    void holdsThePrefixRulesOfSecureAndHostCookies() {
        assertThrows(IllegalArgumentException.class, () -> SetCookie.builder("__Secure-a", "b").build());
        assertThrows(IllegalArgumentException.class,
                () -> SetCookie.builder("__Host-a", "b").secure(true).path("/x").build());
        assertThrows(IllegalArgumentException.class,
                () -> SetCookie.builder("__Host-a", "b").secure(true).path("/").domain("example.com").build());
        assertEquals("__Host-a=b; Path=/; Secure",
                SetCookie.builder("__Host-a", "b").secure(true).path("/").build().toString());
    }
}
