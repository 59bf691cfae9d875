package dev.wisp.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.core.Ascii;
import dev.wisp.core.Headers;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Writing heads with {@link Http1HeadWriter}, and reading them back with the readers. */
class Http1HeadWriterTest {
    private static final Http1RequestReader REQUEST_READER = new Http1RequestReader(Http1Limits.defaults());
    private static final Http1ResponseReader RESPONSE_READER = new Http1ResponseReader(Http1Limits.defaults());

    private static String statusLine(Status status) throws IOException {
        return Writing.text(out -> Http1HeadWriter.writeStatusLine(out, status));
    }

    private static String requestHead(Method method, RequestTarget target, Version version, Headers headers)
            throws IOException {
        return Writing.text(out -> Http1HeadWriter.writeRequestHead(out, new RequestHead(method, target, version,
                headers)));
    }

    @Test
    void writesAResponseHead() throws Exception {
        ResponseHead head = new ResponseHead(Version.HTTP_1_1, Status.NOT_FOUND,
                Headers.of("Content-Length", "0", "X-Many", "a", "x-many", "b"));

        assertEquals("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nX-Many: a\r\nx-many: b\r\n\r\n",
                Writing.text(out -> Http1HeadWriter.writeResponseHead(out, head)));
    }

    @Test
    void writesHttp11OnTheStatusLineWhateverTheVersionOfTheHead() throws Exception {
        ResponseHead head = new ResponseHead(Version.HTTP_1_0, Status.OK, Headers.empty());

        assertEquals("HTTP/1.1 200 OK\r\n\r\n", Writing.text(out -> Http1HeadWriter.writeResponseHead(out, head)));
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 101, 200, 204, 299, 304, 404, 418, 500, 599})
    void writesCachedStatusLinesForStandardReasons(int code) throws Exception {
        Status status = Status.of(code);

        assertEquals("HTTP/1.1 " + code + " " + status.reason() + "\r\n", statusLine(status));
    }

    @Test
    void writesACustomReasonOrCode() throws Exception {
        assertEquals("HTTP/1.1 200 Fine\r\n", statusLine(Status.of(200, "Fine")));
        assertEquals("HTTP/1.1 200 \r\n", statusLine(Status.of(200, "")));
        assertEquals("HTTP/1.1 600 Unknown\r\n", statusLine(Status.of(600)));
        assertEquals("HTTP/1.1 799 Caf\u00e9\r\n", statusLine(Status.of(799, "Caf\u00e9")));
    }

    @Test
    void writesARequestHeadInEachTargetForm() throws Exception {
        assertEquals("GET /a%20b?c HTTP/1.1\r\nHost: h\r\n\r\n",
                requestHead(Method.GET, RequestTarget.origin("/a%20b?c"), Version.HTTP_1_1, Headers.of("Host", "h")));
        assertEquals("OPTIONS * HTTP/1.0\r\n\r\n",
                requestHead(Method.OPTIONS, RequestTarget.parse("*"), Version.HTTP_1_0, Headers.empty()));
        assertEquals("CONNECT h:443 HTTP/1.1\r\n\r\n",
                requestHead(Method.CONNECT, RequestTarget.parseAuthority("h:443"), Version.HTTP_1_1, Headers.empty()));
        assertEquals("GET http://h/x HTTP/1.1\r\n\r\n",
                requestHead(Method.GET, RequestTarget.parse("http://h/x"), Version.HTTP_2, Headers.empty()));
    }

    @Test
    void roundTripsARequestHead() throws Exception {
        RequestHead head = new RequestHead(Method.of("PROPFIND"), RequestTarget.origin("/d%C3%A9j%C3%A0/?q=1&r"),
                Version.HTTP_1_1, Headers.of("Host", "example.com:8080", "Accept", "*/*", "X-Obs", "caf\u00e9",
                        "X-Empty", "", "x-tab", "a\tb"));
        String wire = Writing.text(out -> Http1HeadWriter.writeRequestHead(out, head));

        assertEquals(head, Feeding.read(wire, REQUEST_READER::readHead));
    }

    @Test
    void roundTripsAResponseHead() throws Exception {
        ResponseHead head = new ResponseHead(Version.HTTP_1_1, Status.of(451, "Unavailable For Legal Reasons"),
                Headers.of("Set-Cookie", "a=1", "Set-Cookie", "b=2", "Content-Length", "0"));
        String wire = Writing.text(out -> Http1HeadWriter.writeResponseHead(out, head));

        assertEquals(head, Feeding.read(wire, RESPONSE_READER::readHead));
    }

    @Test
    void roundTripsAHeadLargerThanTheOutputBuffer() throws Exception {
        Headers.Builder headers = Headers.builder().add("Host", "h");
        for (int i = 0; i < 50; i++) {
            headers.add("X-" + i, "v".repeat(i * 10));
        }
        RequestHead head = new RequestHead(Method.POST, RequestTarget.origin("/" + "p".repeat(1500)), Version.HTTP_1_1,
                headers.build());
        String wire = Writing.text(out -> Http1HeadWriter.writeRequestHead(out, head));

        assertEquals(head, REQUEST_READER.readHead(Feeding.stream(Ascii.bytes(wire), 4096)));
    }

    @Test
    void writesTrailerFieldsWithoutTheEmptyLine() throws Exception {
        assertEquals("A: 1\r\nB: 2\r\n",
                Writing.text(out -> Http1HeadWriter.writeFields(out, Headers.of("A", "1", "B", "2"))));
        assertEquals("", Writing.text(out -> Http1HeadWriter.writeFields(out, Headers.empty())));
    }
}
