package dev.wisp.http2;

import static dev.wisp.http2.FieldLists.GET;
import static dev.wisp.http2.FieldLists.assertMalformed;
import static dev.wisp.http2.FieldLists.of;
import static dev.wisp.http2.FieldLists.plus;
import static dev.wisp.http2.FieldLists.with;
import static dev.wisp.http2.FieldLists.without;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.Headers;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.Version;
import dev.wisp.http2.hpack.HpackField;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The control data of requests (RFC 9113 §8.3.1, §8.5), decoded with every rule that makes one malformed. */
class RequestFieldsTest {
    private static final String M = "malformed request on stream 1: ";

    @Test
    void decodesARequestWithAuthorityAsTheFirstHostField() throws StreamException {
        RequestHead head = RequestFields.decode(plus(GET, "accept", "*/*", "user-agent", "wisp"), 1);
        assertEquals(Method.GET, head.method());
        assertEquals(Version.HTTP_2, head.version());
        assertEquals(RequestTarget.Form.ORIGIN, head.target().form());
        assertEquals("/index.html", head.target().raw());
        assertEquals(Headers.of("host", "example.com", "accept", "*/*", "user-agent", "wisp"), head.headers());
    }

    @Test
    void keepsAHostThatAgreesWithAuthorityWhereItWas() throws StreamException {
        RequestHead head = RequestFields.decode(plus(GET, "accept", "*/*", "host", "EXAMPLE.com:443"), 1);
        assertEquals(Headers.of("accept", "*/*", "host", "EXAMPLE.com:443"), head.headers());
        head = RequestFields.decode(plus(without(GET, ":authority"), "host", "example.com"), 1);
        assertEquals(Headers.of("host", "example.com"), head.headers());
    }

    @Test
    void refusesAHostThatDiffersFromAuthority() {
        assertMalformed(M + "host field 'example.org' differs from :authority 'example.com' (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(plus(GET, "host", "example.org"), 1));
        assertMalformed(M + "host field 'example.com:8443' differs from :authority 'example.com' (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(plus(GET, "host", "example.com:8443"), 1));
    }

    @Test
    void refusesSeveralHostFieldsAndABadHost() {
        assertMalformed(M + "2 host fields (RFC 9110 §7.2)",
                () -> RequestFields.decode(plus(GET, "host", "example.com", "host", "example.com"), 1));
        assertMalformed(M + "host field 'a/b' is not host[:port] (RFC 9110 §7.2)",
                () -> RequestFields.decode(plus(without(GET, ":authority"), "host", "a/b"), 1));
        assertMalformed(M + "host field 'user@example.com' has userinfo (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(plus(without(GET, ":authority"), "host", "user@example.com"), 1));
    }

    @Test
    void refusesUserinfoInAuthorityAndAnEmptyOne() {
        assertMalformed(M + ":authority 'user:pass@example.com' has userinfo (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(with(GET, ":authority", "user:pass@example.com"), 1));
        assertMalformed(M + "empty :authority (RFC 9110 §4.2.1)",
                () -> RequestFields.decode(with(GET, ":authority", ""), 1));
        assertMalformed(M + ":authority 'a b' is not host[:port] (RFC 9110 §7.2)",
                () -> RequestFields.decode(with(GET, ":authority", "a b"), 1));
        assertMalformed(M + ":authority 'x:abc' is not host[:port] (RFC 9110 §7.2)",
                () -> RequestFields.decode(with(GET, ":authority", "x:abc"), 1));
        assertMalformed(M + ":authority '[::1' is not host[:port] (RFC 9110 §7.2)",
                () -> RequestFields.decode(with(GET, ":authority", "[::1"), 1));
    }

    @Test
    void refusesAnHttpRequestWithoutAuthority() throws StreamException {
        assertMalformed(M + "an https request with neither :authority nor host (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(without(GET, ":authority"), 1));
        // A scheme without an authority component needs none.
        RequestHead head = RequestFields.decode(with(without(GET, ":authority"), ":scheme", "urn"), 1);
        assertEquals(Headers.empty(), head.headers());
    }

    @Test
    void refusesAMissingPseudoHeaderField() {
        assertMalformed(M + "request without :method (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(without(GET, ":method"), 1));
        assertMalformed(M + "GET request without :scheme (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(without(GET, ":scheme"), 1));
        assertMalformed(M + "GET request without :path (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(without(GET, ":path"), 1));
        assertMalformed(M + "request without :method (RFC 9113 §8.3.1)", () -> RequestFields.decode(List.of(), 1));
    }

    @Test
    void refusesARepeatedUnknownOrLatePseudoHeaderField() {
        assertMalformed(M + "repeated pseudo-header field :path (RFC 9113 §8.3)",
                () -> RequestFields.decode(plus(GET, ":path", "/"), 1));
        assertMalformed(M + "repeated pseudo-header field :method (RFC 9113 §8.3)",
                () -> RequestFields.decode(plus(GET, ":method", "GET"), 1));
        assertMalformed(M + "repeated pseudo-header field :authority (RFC 9113 §8.3)",
                () -> RequestFields.decode(plus(GET, ":authority", "example.com"), 1));
        assertMalformed(M + "repeated pseudo-header field :scheme (RFC 9113 §8.3)",
                () -> RequestFields.decode(plus(GET, ":scheme", "https"), 1));
        assertMalformed(M + "pseudo-header field ':status' is not one of a request (RFC 9113 §8.3)",
                () -> RequestFields.decode(plus(GET, ":status", "200"), 1));
        assertMalformed(M + "pseudo-header field ':foo' is not one of a request (RFC 9113 §8.3)",
                () -> RequestFields.decode(plus(GET, ":foo", "bar"), 1));
        assertMalformed(M + "pseudo-header field ':path' after a regular field (RFC 9113 §8.3)",
                () -> RequestFields.decode(plus(without(GET, ":path"), "accept", "*/*", ":path", "/"), 1));
    }

    @Test
    void refusesAMethodThatIsNoToken() {
        assertMalformed(M + ":method 'GE T' is not a token (RFC 9110 §9.1)",
                () -> RequestFields.decode(with(GET, ":method", "GE T"), 1));
        assertMalformed(M + ":method '' is not a token (RFC 9110 §9.1)",
                () -> RequestFields.decode(with(GET, ":method", ""), 1));
    }

    @Test
    void refusesAnInvalidScheme() {
        assertMalformed(M + ":scheme '1http' is not a scheme (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(with(GET, ":scheme", "1http"), 1));
        assertMalformed(M + ":scheme '' is not a scheme (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(with(GET, ":scheme", ""), 1));
    }

    @Test
    void refusesAnEmptyRelativeOrInvalidPath() {
        assertMalformed(M + "empty :path (RFC 9113 §8.3.1)", () -> RequestFields.decode(with(GET, ":path", ""), 1));
        assertMalformed(M + ":path 'index.html' starts with neither '/' nor is '*' (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(with(GET, ":path", "index.html"), 1));
        assertMalformed(M + ":path 'https://example.com/' starts with neither '/' nor is '*' (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(with(GET, ":path", "https://example.com/"), 1));
        assertMalformed(M + "request path climbs above the root: '/../etc/passwd' (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(with(GET, ":path", "/../etc/passwd"), 1));
        assertMalformed(M + "request target has a forbidden character in its path: '/a b' (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(with(GET, ":path", "/a b"), 1));
    }

    @Test
    void allowsAnAsteriskPathOnlyForOptions() throws StreamException {
        RequestHead head = RequestFields.decode(with(with(GET, ":method", "OPTIONS"), ":path", "*"), 1);
        assertEquals(RequestTarget.Form.ASTERISK, head.target().form());
        assertMalformed(M + ":path '*' on a GET request, where only OPTIONS may have it (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(with(GET, ":path", "*"), 1));
    }

    @Test
    void decodesConnectWithAuthorityOnly() throws StreamException {
        RequestHead head = RequestFields.decode(of(":method", "CONNECT", ":authority", "example.com:443"), 1);
        assertEquals(Method.CONNECT, head.method());
        assertEquals(RequestTarget.Form.AUTHORITY, head.target().form());
        assertEquals("example.com:443", head.target().raw());
        assertEquals(Headers.of("host", "example.com:443"), head.headers());
    }

    @Test
    void refusesConnectWithoutAuthorityOrWithSchemeOrPath() {
        assertMalformed(M + "CONNECT request without :authority (RFC 9113 §8.5)",
                () -> RequestFields.decode(of(":method", "CONNECT"), 1));
        assertMalformed(M + "CONNECT request with :scheme (RFC 9113 §8.5)",
                () -> RequestFields.decode(of(":method", "CONNECT", ":scheme", "https", ":authority", "a:1"), 1));
        assertMalformed(M + "CONNECT request with :path (RFC 9113 §8.5)",
                () -> RequestFields.decode(of(":method", "CONNECT", ":authority", "a:1", ":path", "/"), 1));
        assertMalformed(M + "CONNECT target 'example.com' is not host:port (RFC 9113 §8.5)",
                () -> RequestFields.decode(of(":method", "CONNECT", ":authority", "example.com"), 1));
    }

    @Test
    void refusesProtocolUnlessExtendedConnectIsAllowed() {
        List<HpackField> websocket = of(":method", "CONNECT", ":protocol", "websocket", ":scheme", "https",
                ":path", "/chat", ":authority", "example.com");
        assertMalformed(M + "pseudo-header field :protocol without extended CONNECT enabled (RFC 8441 §4)",
                () -> RequestFields.decode(websocket, 1));
        assertMalformed(M + "pseudo-header field :protocol without extended CONNECT enabled (RFC 8441 §4)",
                () -> RequestFields.decode(websocket, 1, false));
    }

    @Test
    void decodesExtendedConnectWhenAllowed() throws StreamException {
        List<HpackField> websocket = of(":method", "CONNECT", ":protocol", "websocket", ":scheme", "https",
                ":path", "/chat", ":authority", "example.com", "sec-websocket-version", "13");
        RequestHead head = RequestFields.decode(websocket, 1, true);
        assertEquals(Method.CONNECT, head.method());
        assertEquals("/chat", head.target().raw());
        assertEquals(Headers.of("host", "example.com", "sec-websocket-version", "13"), head.headers());
        assertEquals(Optional.of("websocket"), RequestFields.extendedConnectProtocol(websocket));
        assertEquals(Optional.empty(), RequestFields.extendedConnectProtocol(GET));

        assertMalformed(M + "CONNECT request without :path (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(without(websocket, ":path"), 1, true));
        assertMalformed(M + "CONNECT request without :authority (RFC 9113 §8.3.1)",
                () -> RequestFields.decode(without(websocket, ":authority"), 1, true));
        assertMalformed(M + ":protocol on a GET request (RFC 8441 §4)",
                () -> RequestFields.decode(with(websocket, ":method", "GET"), 1, true));
        assertMalformed(M + "repeated pseudo-header field :protocol (RFC 9113 §8.3)",
                () -> RequestFields.decode(plus(without(websocket, "sec-websocket-version"), ":protocol", "x"), 1,
                        true));
    }

    @Test
    void refusesInvalidPseudoHeaderValues() {
        assertMalformed(M + "value of field ':path' holds NUL, CR or LF: '/a\\nb' (RFC 9113 §8.2.1)",
                () -> RequestFields.decode(with(GET, ":path", "/a\nb"), 1));
        assertMalformed(M + "value of field ':authority' starts or ends with whitespace: ' example.com'"
                + " (RFC 9113 §8.2.1)", () -> RequestFields.decode(with(GET, ":authority", " example.com"), 1));
    }

    @Test
    void joinsCookieCrumbsInPlaceOfTheFirst() throws StreamException {
        RequestHead head = RequestFields.decode(plus(GET, "cookie", "a=b", "accept", "*/*", "cookie", "c=d",
                "cookie", "", "cookie", "e=f"), 1);
        assertEquals(Headers.of("host", "example.com", "cookie", "a=b; c=d; e=f", "accept", "*/*"), head.headers());
    }

    @Test
    void theStreamOfTheErrorIsTheOneGiven() {
        StreamException e = assertThrows(StreamException.class, () -> RequestFields.decode(List.of(), 7));
        assertEquals(7, e.streamId());
        assertEquals("malformed request on stream 7: request without :method (RFC 9113 §8.3.1)", e.getMessage());
    }

    @Test
    void doesNotChangeTheFieldListItWasGiven() throws StreamException {
        List<HpackField> fields = new ArrayList<>(plus(GET, "cookie", "a", "cookie", "b"));
        List<HpackField> copy = List.copyOf(fields);
        RequestFields.decode(fields, 1);
        assertEquals(copy, fields);
    }
}
