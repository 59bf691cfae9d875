package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OriginFieldTest {
    @ParameterizedTest
    @CsvSource({"https://app.example, app.example", "http://127.0.0.1:8080, 127.0.0.1:8080",
        "http://[::1]:9000, [::1]:9000", "wss+x://h, h"})
    void findsTheAuthorityOfASerializedOrigin(String origin, String authority) {
        assertEquals(authority, OriginField.authorityOf(origin));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "app.example", "https://", "://app.example", "1http://app.example",
        "https://app.example/", "https://app.example/path", "https://a b", "https://app.example:99999",
        "https://u@app.example", ""})
    void findsNoneInWhatNoBrowserSendsAsAnOrigin(String origin) {
        assertNull(OriginField.authorityOf(origin));
    }

    @ParameterizedTest
    @CsvSource({"http://x, x", "https://X, x", "http://example.com, example.com:80",
        "https://example.com, example.com:443", "HTTPS://example.com, EXAMPLE.com:443",
        "http://127.0.0.1:8080, 127.0.0.1:8080", "' http://x ', x"})
    void aRequestsOwnOriginNamesItsAuthority(String origin, String authority) {
        assertTrue(OriginField.isRequestsOwn(origin, authority));
    }

    @ParameterizedTest
    @CsvSource({"http://example.com, example.com:8080", "http://example.com, example.com:443",
        "https://example.com, example.com:80", "http://example.com, example.com.evil", "http://example.com.evil, "
        + "example.com", "http://127.0.0.1:9, 127.0.0.1:8080", "null, x", "x, x"})
    void anotherOriginDoesNot(String origin, String authority) {
        assertFalse(OriginField.isRequestsOwn(origin, authority));
        assertFalse(OriginField.isRequestsOwn(origin, (String) null));
    }

    @Test
    void aProxysForwardedHostIsTheRequestsOwnToo() {
        RequestHead behindProxy = new RequestHead(Method.GET, RequestTarget.origin("/"), Version.HTTP_1_1,
                Headers.of("Host", "127.0.0.1:8080", "X-Forwarded-Host", "app.example, edge.internal"));
        assertTrue(OriginField.isRequestsOwn("https://app.example", behindProxy));
        assertTrue(OriginField.isRequestsOwn("http://edge.internal", behindProxy));
        assertTrue(OriginField.isRequestsOwn("http://127.0.0.1:8080", behindProxy));
        assertFalse(OriginField.isRequestsOwn("https://evil.example", behindProxy));
        RequestHead forwarded = new RequestHead(Method.GET, RequestTarget.origin("/"), Version.HTTP_1_1,
                Headers.of("Host", "127.0.0.1:8080",
                        "Forwarded", "for=192.0.2.1;host=\"app.example:8443\";proto=https"));
        assertTrue(OriginField.isRequestsOwn("https://app.example:8443", forwarded));
        assertFalse(OriginField.isRequestsOwn("https://app.example", forwarded));
        assertFalse(OriginField.isRequestsOwn("https://app.example", new RequestHead(Method.GET,
                RequestTarget.origin("/"), Version.HTTP_1_1, Headers.empty())), "no authority at all");
    }
}
