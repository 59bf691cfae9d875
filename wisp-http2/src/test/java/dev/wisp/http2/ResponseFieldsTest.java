package dev.wisp.http2;

import static dev.wisp.http2.FieldLists.assertMalformed;
import static dev.wisp.http2.FieldLists.of;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.core.Headers;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import org.junit.jupiter.api.Test;

/** Responses (RFC 9113 §8.3.2) and trailers (§8.1): their pseudo-header field rules, and encoding. */
class ResponseFieldsTest {
    private static final String M = "malformed response on stream 1: ";

    @Test
    void decodesAFinalResponse() throws StreamException {
        ResponseHead head = ResponseFields.decode(of(":status", "404", "content-type", "text/plain"), 1);
        assertEquals(Version.HTTP_2, head.version());
        assertEquals(Status.NOT_FOUND, head.status());
        assertEquals(Headers.of("content-type", "text/plain"), head.headers());
        assertEquals(599, ResponseFields.decode(of(":status", "599"), 1).status().code());
    }

    @Test
    void decodesInterimResponses() throws StreamException {
        assertEquals(Status.CONTINUE, ResponseFields.decode(of(":status", "100"), 1).status());
        assertEquals(103, ResponseFields.decode(of(":status", "103", "link", "</a.css>; rel=preload"), 1).status()
                .code());
    }

    @Test
    void refusesSwitchingProtocols() {
        assertMalformed(M + "status 101 (Switching Protocols) (RFC 9113 §8.6)",
                () -> ResponseFields.decode(of(":status", "101"), 1));
    }

    @Test
    void refusesAStatusOtherThanThreeDigits() {
        for (String status : new String[] {"", "20", "2000", "20x", "+20", "099", "000", " 200", "２００"}) {
            StreamException e = assertThrows(StreamException.class, () -> ResponseFields.decode(
                    of(":status", status), 1), status);
            assertEquals(ErrorCode.PROTOCOL_ERROR, e.errorCode());
        }
        assertMalformed(M + ":status '20x' is not a three-digit code from 100 (RFC 9113 §8.3.2)",
                () -> ResponseFields.decode(of(":status", "20x"), 1));
        assertMalformed(M + ":status '099' is not a three-digit code from 100 (RFC 9113 §8.3.2)",
                () -> ResponseFields.decode(of(":status", "099"), 1));
    }

    @Test
    void refusesAMissingRepeatedOrUnknownPseudoHeaderField() {
        assertMalformed(M + "response without :status (RFC 9113 §8.3.2)",
                () -> ResponseFields.decode(of("content-type", "text/plain"), 1));
        assertMalformed(M + "repeated pseudo-header field :status (RFC 9113 §8.3)",
                () -> ResponseFields.decode(of(":status", "200", ":status", "200"), 1));
        assertMalformed(M + "pseudo-header field ':path' is not one of a response (RFC 9113 §8.3)",
                () -> ResponseFields.decode(of(":status", "200", ":path", "/"), 1));
        assertMalformed(M + "pseudo-header field ':method' is not one of a response (RFC 9113 §8.3)",
                () -> ResponseFields.decode(of(":method", "GET", ":status", "200"), 1));
    }

    @Test
    void encodesStatusFirstAndLowercaseNamesWithoutConnectionSpecificFields() {
        Headers headers = Headers.of("Content-Type", "text/plain", "Connection", "close, X-Hop",
                "Transfer-Encoding", "chunked", "Keep-Alive", "timeout=5", "X-Hop", "1", "Set-Cookie", "a=b; Path=/",
                "Upgrade", "h2c", "Proxy-Connection", "close", "TE", "gzip", "Content-Length", "5");
        assertEquals(of(":status", "200", "content-type", "text/plain", "set-cookie", "a=b; Path=/",
                "content-length", "5"), ResponseFields.encode(Status.OK, headers));
        assertEquals(of(":status", "103", "link", "</a.css>"),
                ResponseFields.encode(Status.of(103), Headers.of("Link", "</a.css>")));
    }

    @Test
    void refusesToEncodeSwitchingProtocols() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResponseFields.encode(Status.SWITCHING_PROTOCOLS, Headers.empty()));
        assertEquals("HTTP/2 has no 101 (Switching Protocols) response (RFC 9113 §8.6)", e.getMessage());
    }

    @Test
    void decodesAndEncodesTrailers() throws StreamException {
        assertEquals(Headers.of("grpc-status", "0", "x-checksum", "abc"),
                TrailerFields.decode(of("grpc-status", "0", "x-checksum", "abc"), 1));
        assertEquals(Headers.empty(), TrailerFields.decode(of(), 1));
        assertEquals(of("grpc-status", "0", "x-checksum", "abc"), TrailerFields.encode(
                Headers.of("Grpc-Status", "0", "Transfer-Encoding", "chunked", "X-Checksum", "abc")));
        assertMalformed("malformed trailers on stream 1: pseudo-header field ':status' in trailers (RFC 9113 §8.1)",
                () -> TrailerFields.decode(of(":status", "200", "grpc-status", "0"), 1));
    }

    @Test
    void dropsFieldsThatHaveNoPlaceInTrailersBothWays() throws StreamException {
        assertEquals(Headers.of("x-checksum", "abc", "x-forwarded-for", "6.6.6.6"), TrailerFields.decode(of(
                "content-length", "50", "x-checksum", "abc", "host", "evil", "authorization", "Basic eA==",
                "te", "trailers", "set-cookie", "evil=1", "x-forwarded-for", "6.6.6.6"), 1));
        assertEquals(of("x-checksum", "abc"), TrailerFields.encode(Headers.of("Content-Length", "99",
                "X-Checksum", "abc", "Set-Cookie", "evil=1", "Content-Type", "text/html", "TE", "trailers")));
    }

    @Test
    void keepsTreatingConnectionSpecificFieldsInTrailersAsMalformed() {
        assertMalformed("malformed trailers on stream 1: connection-specific field 'transfer-encoding'"
                + " (RFC 9113 §8.2.2)", () -> TrailerFields.decode(of("transfer-encoding", "chunked"), 1));
    }
}
