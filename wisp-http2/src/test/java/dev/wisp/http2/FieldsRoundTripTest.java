package dev.wisp.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Heads as a client and a server exchange them: encoded to fields, through one HPACK encoder and decoder pair per
 * direction (so the dynamic table carries from message to message), and decoded to the same heads.
 */
class FieldsRoundTripTest {
    private final HpackEncoder encoder = new HpackEncoder(4096);
    private final HpackDecoder decoder = new HpackDecoder(64 * 1024, 16 * 1024);

    @Test
    void requestsComeBackAsTheyWereSent() throws Exception {
        List<RequestHead> heads = List.of(
                request(Method.GET, RequestTarget.origin("/search?q=wisp&lang=en"), "Host", "example.com",
                        "User-Agent", "wisp/0.1", "Accept", "*/*"),
                request(Method.POST, RequestTarget.origin("/upload"), "Host", "example.com:8443",
                        "Content-Type", "application/json", "Content-Length", "42", "Cookie", "a=1; b=2; c=3",
                        "Authorization", "Bearer abc", "TE", "trailers"),
                request(Method.GET, RequestTarget.origin("/caf%C3%A9/a%2Fb/"), "Host", "[::1]:8080",
                        "X-Latin", "caf\u00e9", "X-Empty", ""),
                request(Method.OPTIONS, RequestTarget.parse("*"), "Host", "example.com"),
                request(Method.of("PROPFIND"), RequestTarget.origin("/dav"), "Host", "example.com", "Depth", "1"),
                request(Method.CONNECT, RequestTarget.parseAuthority("example.com:443"), "Host", "example.com:443"));
        for (RequestHead head : heads) {
            List<HpackField> fields = RequestFields.encode(head, "https");
            RequestHead decoded = RequestFields.decode(decoder.decode(encoder.encode(fields)), 3);
            assertEquals(new RequestHead(head.method(), head.target(), Version.HTTP_2, head.headers()), decoded,
                    head.method() + " " + head.target());
        }
    }

    @Test
    void anAbsoluteTargetComesBackInOriginForm() throws Exception {
        RequestHead head = request(Method.GET, RequestTarget.parse("http://example.org/a?b"), "Accept", "*/*");
        RequestHead decoded = RequestFields.decode(decoder.decode(encoder.encode(RequestFields.encode(head, "https"))),
                1);
        assertEquals(new RequestHead(Method.GET, RequestTarget.origin("/a?b"), Version.HTTP_2,
                Headers.of("host", "example.org", "accept", "*/*")), decoded);
    }

    @Test
    void responsesAndTrailersComeBackAsTheyWereSent() throws Exception {
        List<ResponseHead> heads = List.of(
                response(Status.CONTINUE),
                response(Status.of(103), "Link", "</style.css>; rel=preload; as=style"),
                response(Status.OK, "Content-Type", "text/html; charset=utf-8", "Content-Length", "1234",
                        "Set-Cookie", "a=1; Path=/", "Set-Cookie", "b=2; Secure", "Trailer", "x-checksum"),
                response(Status.NOT_FOUND, "Content-Length", "0"),
                response(Status.of(599)));
        for (ResponseHead head : heads) {
            List<HpackField> fields = ResponseFields.encode(head.status(), head.headers());
            assertEquals(head, ResponseFields.decode(decoder.decode(encoder.encode(fields)), 1), head.toString());
        }
        Headers trailers = Headers.of("x-checksum", "abc", "grpc-status", "0", "grpc-message", "ok");
        assertEquals(trailers, TrailerFields.decode(decoder.decode(encoder.encode(TrailerFields.encode(trailers))), 1));
    }

    @Test
    void aCookieSplitIntoCrumbsComesBackJoined() throws HpackException, StreamException, MalformedMessageException {
        RequestHead head = request(Method.GET, RequestTarget.origin("/"), "Host", "a", "Cookie", "a=1; b=2");
        List<HpackField> fields = RequestFields.encode(head, "https");
        assertEquals(2, fields.stream().filter(field -> field.name().equals("cookie")).count());
        List<HpackField> decoded = decoder.decode(encoder.encode(fields));
        // RFC 7541 §7.1.3: our encoder sends short cookie crumbs never indexed.
        assertTrue(decoded.stream().filter(field -> field.name().equals("cookie")).allMatch(HpackField::sensitive));
        assertEquals("a=1; b=2", RequestFields.decode(decoded, 1).headers().firstOrNull("cookie"));
    }

    private static RequestHead request(Method method, RequestTarget target, String... headers) {
        return new RequestHead(method, target, Version.HTTP_2, Headers.of(headers));
    }

    private static ResponseHead response(Status status, String... headers) {
        return new ResponseHead(Version.HTTP_2, status, Headers.of(headers));
    }
}
