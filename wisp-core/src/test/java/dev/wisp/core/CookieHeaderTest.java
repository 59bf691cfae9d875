package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request Cookie fields (RFC 6265 §4.2, §5.4), read as tolerantly as browsers write them. */
class CookieHeaderTest {
    @Test
    void readsPairsSeparatedBySemicolons() {
        assertEquals(Map.of("SID", "31d4d96e407aad42", "lang", "en-US"),
                CookieHeader.parse(List.of("SID=31d4d96e407aad42; lang=en-US")));
    }

    @Test
    void readsEveryCookieFieldAndKeepsTheFirstOfARepeatedName() {
        Map<String, String> cookies = CookieHeader.parse(List.of("a=1; b=2", "b=3;c=4"));

        assertEquals(Map.of("a", "1", "b", "2", "c", "4"), cookies);
        assertEquals(List.of("a", "b", "c"), List.copyOf(cookies.keySet()));
    }

    @Test
    void skipsEmptyPairsPairsWithoutEqualsAndEmptyNames() {
        assertEquals(Map.of("a", "1", "b", ""), CookieHeader.parse(List.of(";; a = 1 ;flag; =x; b=")));
    }

    @Test
    void removesTheQuotesAroundAValueAndKeepsEqualsInsideIt() {
        assertEquals(Map.of("q", "x y", "e", "a=b=="), CookieHeader.parse(List.of("q=\"x y\"; e=a=b==")));
    }

    @Test
    void readsNoFieldAsNoCookies() {
        assertEquals(Map.of(), CookieHeader.parse(List.of()));
    }
}
