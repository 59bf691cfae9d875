package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.core.Headers;
import dev.wisp.core.Version;
import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProxyFieldsTest {
    @Test
    void keepsEndToEndFieldsOnly() {
        Headers received = Headers.of("Connection", "close, X-Hop", "connection", "X-Other", "X-Hop", "1",
                "X-Other", "2", "Keep-Alive", "5", "TE", "trailers", "Transfer-Encoding", "chunked",
                "Upgrade", "websocket", "Proxy-Connection", "keep-alive", "Proxy-Authorization", "Basic x",
                "HTTP2-Settings", "AAA", "Accept", "*/*", "Trailer", "X-Sum", "Host", "h");
        Headers kept = ProxyFields.endToEnd(received, Set.of("host")).build();
        assertEquals(Headers.of("Accept", "*/*", "Trailer", "X-Sum"), kept);
    }

    @Test
    void joinsCookieFieldsAsHttp2MaySplitThem() {
        Headers kept = ProxyFields.endToEnd(Headers.of("cookie", "a=1", "x", "y", "cookie", "b=2"), Set.of()).build();
        assertEquals(Headers.of("x", "y", "Cookie", "a=1; b=2"), kept);
    }

    @Test
    void relaysTrailersWithoutForwardingFieldsViaOrFieldsNoTrailerMayHold() {
        Headers trailers = Headers.of("X-Checksum", "abc", "X-Forwarded-For", "6.6.6.6", "Forwarded", "for=6.6.6.6",
                "x-forwarded-proto", "https", "Via", "1.1 evil", "Content-Length", "50", "Host", "evil",
                "Server-Timing", "db;dur=5");
        assertEquals(Headers.of("X-Checksum", "abc", "Server-Timing", "db;dur=5"),
                ProxyFields.relayedTrailers(trailers));
    }

    @Test
    void writesViaAndForwardedAsTheRfcsSay() throws Exception {
        assertEquals("2 edge", ProxyFields.via(Version.HTTP_2, "edge"));
        assertEquals("1.0 wisp", ProxyFields.via(Version.HTTP_1_0, "wisp"));
        InetAddress v4 = InetAddress.getByName("192.0.2.60");
        InetAddress v6 = InetAddress.getByName("2001:db8::17");
        assertEquals("for=192.0.2.60;proto=https;host=example.com",
                ProxyFields.forwardedElement(v4, "https", "example.com"));
        assertEquals("for=\"[2001:db8::17]\";proto=http;host=\"example.com:8080\"",
                ProxyFields.forwardedElement(v6, "http", "example.com:8080"));
        assertEquals("for=192.0.2.60;proto=http", ProxyFields.forwardedElement(v4, "http", null));
        assertEquals("2001:db8::17", ProxyFields.address(v6));
    }
}
