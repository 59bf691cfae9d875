package dev.wisp.http2;

import static dev.wisp.http2.FieldLists.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.Version;
import org.junit.jupiter.api.Test;

/** A client's request head to the fields of an HTTP/2 request (RFC 9113 §8.3.1, §8.2.2, §8.2.3, §8.5). */
class RequestFieldsEncodeTest {
    @Test
    void encodesPseudoHeaderFieldsFirstWithAuthorityFromHost() {
        RequestHead head = head(Method.GET, RequestTarget.origin("/search?q=wisp"), "User-Agent", "wisp",
                "Host", "example.com", "Accept", "*/*");
        assertEquals(of(":method", "GET", ":scheme", "https", ":authority", "example.com", ":path", "/search?q=wisp",
                "user-agent", "wisp", "accept", "*/*"), RequestFields.encode(head, "https"));
    }

    @Test
    void encodesWithoutAuthorityWhenThereIsNoHost() {
        RequestHead head = head(Method.POST, RequestTarget.origin("/"), "Content-Length", "3");
        assertEquals(of(":method", "POST", ":scheme", "http", ":path", "/", "content-length", "3"),
                RequestFields.encode(head, "http"));
    }

    @Test
    void dropsConnectionSpecificFieldsAndThoseConnectionNames() {
        RequestHead head = head(Method.GET, RequestTarget.origin("/"), "Host", "a", "Connection", "keep-alive, X-Hop",
                "Keep-Alive", "timeout=5", "Proxy-Connection", "keep-alive", "Transfer-Encoding", "chunked",
                "Upgrade", "h2c", "X-Hop", "1", "X-Kept", "2", "TE", "gzip, trailers");
        assertEquals(of(":method", "GET", ":scheme", "https", ":authority", "a", ":path", "/", "x-kept", "2"),
                RequestFields.encode(head, "https"));
    }

    @Test
    void keepsTeTrailersThoughConnectionNamesIt() {
        // RFC 9110 §10.1.4: an HTTP/1.1 sender of TE names it in Connection too.
        RequestHead head = head(Method.GET, RequestTarget.origin("/"), "Host", "a", "Connection", "TE",
                "TE", "trailers");
        assertEquals(of(":method", "GET", ":scheme", "https", ":authority", "a", ":path", "/", "te", "trailers"),
                RequestFields.encode(head, "https"));
    }

    @Test
    void sendsNoAuthorityForAnEmptyHost() {
        RequestHead head = head(Method.GET, RequestTarget.origin("/"), "Host", "");
        assertEquals(of(":method", "GET", ":scheme", "https", ":path", "/"), RequestFields.encode(head, "https"));
    }

    @Test
    void splitsCookieIntoCrumbs() {
        RequestHead head = head(Method.GET, RequestTarget.origin("/"), "Host", "a", "Cookie", "a=b; c=d; e=f",
                "Accept", "*/*", "Cookie", "g=h");
        assertEquals(of(":method", "GET", ":scheme", "https", ":authority", "a", ":path", "/", "cookie", "a=b",
                "cookie", "c=d", "cookie", "e=f", "accept", "*/*", "cookie", "g=h"),
                RequestFields.encode(head, "https"));
    }

    @Test
    void keepsACookieWholeWhereACrumbWouldBeInvalid() {
        RequestHead head = head(Method.GET, RequestTarget.origin("/"), "Cookie", "a=b;  c=d", "Cookie", "a=b; ; c",
                "Cookie", "a=b;c=d");
        assertEquals(of(":method", "GET", ":scheme", "https", ":path", "/", "cookie", "a=b;  c=d",
                "cookie", "a=b; ; c", "cookie", "a=b;c=d"), RequestFields.encode(head, "https"));
    }

    @Test
    void encodesConnectWithAuthorityOnly() throws MalformedMessageException {
        RequestHead head = head(Method.CONNECT, RequestTarget.parseAuthority("example.com:443"),
                "Host", "example.com:443", "Proxy-Authorization", "Basic eA==");
        assertEquals(of(":method", "CONNECT", ":authority", "example.com:443", "proxy-authorization", "Basic eA=="),
                RequestFields.encode(head, "https"));
    }

    @Test
    void takesSchemeAndAuthorityOfAnAbsoluteTarget() throws MalformedMessageException {
        RequestHead head = head(Method.GET, RequestTarget.parse("http://example.org:8080/a/b?c=d"),
                "Host", "other.example");
        assertEquals(of(":method", "GET", ":scheme", "http", ":authority", "example.org:8080", ":path", "/a/b?c=d"),
                RequestFields.encode(head, "https"));
        head = head(Method.GET, RequestTarget.parse("http://example.org"));
        assertEquals(of(":method", "GET", ":scheme", "http", ":authority", "example.org", ":path", "/"),
                RequestFields.encode(head, "https"));
    }

    @Test
    void encodesAnAsteriskTarget() throws MalformedMessageException {
        RequestHead head = head(Method.OPTIONS, RequestTarget.parse("*"), "Host", "a");
        assertEquals(of(":method", "OPTIONS", ":scheme", "https", ":authority", "a", ":path", "*"),
                RequestFields.encode(head, "https"));
    }

    @Test
    void refusesAnEmptyScheme() {
        RequestHead head = head(Method.GET, RequestTarget.origin("/"));
        assertEquals("scheme must not be empty", assertThrows(IllegalArgumentException.class,
                () -> RequestFields.encode(head, "")).getMessage());
    }

    private static RequestHead head(Method method, RequestTarget target, String... headers) {
        return new RequestHead(method, target, Version.HTTP_1_1, Headers.of(headers));
    }
}
