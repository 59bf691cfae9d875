package dev.wisp.http2;

import static dev.wisp.http2.FieldLists.of;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.core.Headers;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.http2.hpack.HpackDecoder;
import dev.wisp.http2.hpack.HpackEncoder;
import dev.wisp.http2.hpack.HpackException;
import dev.wisp.http2.hpack.HpackField;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The examples of the RFCs: the requests and responses of RFC 7541 Appendix C.4 and C.6, from their header blocks to
 * heads; and the HTTP/1.1 messages of RFC 9113 §8.8 next to the HTTP/2 fields they become, both ways.
 */
class FieldsExamplesTest {
    private static final String DATE_21 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private static final String LOCATION = "https://www.example.com";

    @Test
    void decodesTheRequestsOfRfc7541AppendixC4() throws HpackException, StreamException {
        HpackDecoder decoder = new HpackDecoder(4096, 4096);
        RequestHead first = RequestFields.decode(decoder.decode(hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff")), 1);
        assertEquals(new RequestHead(Method.GET, RequestTarget.origin("/"), Version.HTTP_2,
                Headers.of("host", "www.example.com")), first);
        RequestHead second = RequestFields.decode(decoder.decode(hex("8286 84be 5886 a8eb 1064 9cbf")), 3);
        assertEquals(new RequestHead(Method.GET, RequestTarget.origin("/"), Version.HTTP_2,
                Headers.of("host", "www.example.com", "cache-control", "no-cache")), second);
        RequestHead third = RequestFields.decode(decoder.decode(
                hex("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf")), 5);
        assertEquals(new RequestHead(Method.GET, RequestTarget.origin("/index.html"), Version.HTTP_2,
                Headers.of("host", "www.example.com", "custom-key", "custom-value")), third);
    }

    @Test
    void decodesTheResponsesOfRfc7541AppendixC6() throws HpackException, StreamException {
        HpackDecoder decoder = new HpackDecoder(4096, 4096);
        decoder.applyTableSizeLimit(256);
        ResponseHead first = ResponseFields.decode(decoder.decode(hex("""
                3fe101 4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6
                2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3""")), 1);
        assertEquals(new ResponseHead(Version.HTTP_2, Status.FOUND, Headers.of("cache-control", "private",
                "date", DATE_21, "location", LOCATION)), first);
        ResponseHead second = ResponseFields.decode(decoder.decode(hex("4883 640e ffc1 c0bf")), 3);
        assertEquals(new ResponseHead(Version.HTTP_2, Status.TEMPORARY_REDIRECT, Headers.of("cache-control",
                "private", "date", DATE_21, "location", LOCATION)), second);
        ResponseHead third = ResponseFields.decode(decoder.decode(hex("""
                88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab
                77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
                9587 3160 65c0 03ed 4ee5 b106 3d50 07""")), 5);
        assertEquals(Status.OK, third.status());
        assertEquals(List.of("cache-control", "date", "location", "content-encoding", "set-cookie"),
                List.copyOf(third.headers().names()));
        assertEquals("foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
                third.headers().firstOrNull("set-cookie"));
    }

    @Test
    void simpleRequestOfRfc9113Section881() throws StreamException {
        List<HpackField> fields = of(":method", "GET", ":scheme", "https", ":authority", "example.org",
                ":path", "/resource", "host", "example.org", "accept", "image/jpeg");
        RequestHead http1 = new RequestHead(Method.GET, RequestTarget.origin("/resource"), Version.HTTP_1_1,
                Headers.of("Host", "example.org", "Accept", "image/jpeg"));
        assertEquals(http2(http1, "host", "example.org", "accept", "image/jpeg"), decodeRequest(fields));
        // The RFC's fields repeat Host, which RFC 9113 §8.3.1 allows; ours send :authority only.
        assertEquals(FieldLists.without(fields, "host"), RequestFields.encode(http1, "https"));
    }

    @Test
    void complexRequestOfRfc9113Section883() throws StreamException {
        // One header block across HEADERS and CONTINUATION, with :scheme last of the pseudo-header fields.
        List<HpackField> fields = of(":method", "POST", ":authority", "example.org", ":path", "/resource",
                ":scheme", "https", "content-type", "image/jpeg", "host", "example.org", "content-length", "123");
        RequestHead http1 = new RequestHead(Method.POST, RequestTarget.origin("/resource"), Version.HTTP_1_1,
                Headers.of("Host", "example.org", "Content-Type", "image/jpeg", "Content-Length", "123"));
        assertEquals(http2(http1, "content-type", "image/jpeg", "host", "example.org", "content-length", "123"),
                decodeRequest(fields));
        assertEquals(of(":method", "POST", ":scheme", "https", ":authority", "example.org", ":path", "/resource",
                "content-type", "image/jpeg", "content-length", "123"), RequestFields.encode(http1, "https"));
    }

    @Test
    void responsesOfRfc9113Sections882To885() throws StreamException {
        assertResponse(Status.NOT_MODIFIED, Headers.of("ETag", "\"xyzzy\"", "Expires", "Thu, 23 Jan 2014 10:55:32 GMT"),
                of(":status", "304", "etag", "\"xyzzy\"", "expires", "Thu, 23 Jan 2014 10:55:32 GMT"));
        assertResponse(Status.OK, Headers.of("Content-Type", "image/jpeg", "Content-Length", "123"),
                of(":status", "200", "content-type", "image/jpeg", "content-length", "123"));
        assertResponse(Status.CONTINUE, Headers.of("Extension-Field", "bar"),
                of(":status", "100", "extension-field", "bar"));
        // §8.8.5: the HTTP/1.1 message's Transfer-Encoding has no place in HTTP/2.
        assertEquals(of(":status", "200", "content-type", "image/jpeg", "content-length", "123"),
                ResponseFields.encode(Status.OK, Headers.of("Content-Type", "image/jpeg",
                        "Transfer-Encoding", "chunked", "Content-Length", "123")));
        assertEquals(of("foo", "bar"), TrailerFields.encode(Headers.of("Foo", "bar")));
        assertEquals(Headers.of("foo", "bar"), TrailerFields.decode(roundTrip(of("foo", "bar")), 1));
    }

    private static void assertResponse(Status status, Headers http1, List<HpackField> fields)
            throws StreamException {
        assertEquals(fields, ResponseFields.encode(status, http1));
        ResponseHead decoded = ResponseFields.decode(roundTrip(fields), 1);
        assertEquals(new ResponseHead(Version.HTTP_2, status, http1), decoded);
    }

    private static RequestHead decodeRequest(List<HpackField> fields) throws StreamException {
        return RequestFields.decode(roundTrip(fields), 1);
    }

    /** The head as HTTP/2 gives it: the same method and target, these fields. */
    private static RequestHead http2(RequestHead http1, String... fields) {
        return new RequestHead(http1.method(), http1.target(), Version.HTTP_2, Headers.of(fields));
    }

    /** The fields through our HPACK encoder and decoder, as they travel. */
    static List<HpackField> roundTrip(List<HpackField> fields) {
        try {
            return new HpackDecoder(64 * 1024, 16 * 1024).decode(new HpackEncoder(4096).encode(fields));
        } catch (HpackException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s", ""));
    }
}
