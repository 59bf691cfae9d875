package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.server.forms.FormConfig;
import dev.wisp.server.forms.Forms;
import dev.wisp.server.forms.MultipartForm;
import dev.wisp.testing.RawResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a client gets for a form the readers refuse, when the handler lets the error through: 415 for another
 * Content-Type, 400 for a malformed body, 413 for a limit crossed, each with the reader's message.
 */
class FormErrorsIT {
    private static final String BOUNDARY = "b0undary";
    private static Server server;

    @BeforeAll
    static void start() {
        FormConfig config = FormConfig.builder().maxParts(2).maxFields(2).maxFormBytes(100).build();
        server = TestServers.start(Router.builder()
                .post("/form", (request, response) -> response.send(Forms.urlEncoded(request, config).toString()))
                .post("/upload", (request, response) -> {
                    MultipartForm form = Forms.multipart(request, config);
                    response.send(form.fields().toString());
                })
                .build());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/form|text/plain|a=1|415|Content-Type is 'text/plain'; expected application/x-www-form-urlencoded",
        "/form|application/x-www-form-urlencoded; charset=klingon|a=1|415|unsupported charset 'klingon'",
        "/form|application/x-www-form-urlencoded|a=%zz|400|invalid percent-encoding in '%zz'",
        "/form|application/x-www-form-urlencoded|a=1&b=2&c=3|413|form has more than 2 fields (maxFields)",
        "/upload|application/json|{}|415|Content-Type is 'application/json'; expected multipart/form-data",
        "/upload|multipart/form-data|x|400|multipart/form-data Content-Type has no boundary",
        "/upload|multipart/form-data; boundary=\"a b \"|x|400|"
                + "multipart boundary is not 1 to 70 characters of digits, letters and '()+_,-./:=? : 'a b '",
        "/upload|multipart/form-data; boundary|x|400|media type parameter has no '=': 'multipart/form-data; boundary'",
    })
    void answersARefusedFormWithItsStatus(String path, String type, String body, int status, String message) {
        RawResponse response = post(path, type, body);

        assertEquals(status, response.status());
        assertEquals(message + "\n", response.bodyText());
    }

    @Test
    void answers415ForAFormWithoutContentType() {
        RawResponse response = TestServers.exchange(server, "POST /form HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: 3\r\n\r\na=1");

        assertEquals(415, response.status());
        assertEquals("request has no Content-Type; expected application/x-www-form-urlencoded\n",
                response.bodyText());
    }

    @Test
    void answers413ForAFormBodyPastMaxFormBytes() {
        RawResponse response = post("/form", "application/x-www-form-urlencoded", "a=" + "x".repeat(99));

        assertEquals(413, response.status());
        assertEquals("form body exceeds 100 bytes (maxFormBytes)\n", response.bodyText());
    }

    @Test
    void answers400ForAMultipartBodyWithoutItsFinalBoundary() {
        RawResponse response = post("/upload", "multipart/form-data; boundary=" + BOUNDARY, part("a", "1"));

        assertEquals(400, response.status());
        assertEquals("multipart body ended before its closing boundary\n", response.bodyText());
    }

    @Test
    void answers413ForMorePartsThanMaxParts() {
        RawResponse response = post("/upload", "multipart/form-data; boundary=" + BOUNDARY,
                part("a", "1") + part("b", "2") + part("c", "3") + "--" + BOUNDARY + "--\r\n");

        assertEquals(413, response.status());
        assertEquals("multipart body has more than 2 parts (maxParts)\n", response.bodyText());
    }

    @Test
    void readsAGoodMultipartFormOnTheSameRoutes() {
        RawResponse response = post("/upload", "multipart/form-data; boundary=\"" + BOUNDARY + "\"",
                part("a", "1") + part("a", "2") + "--" + BOUNDARY + "--\r\n");

        assertEquals(200, response.status());
        assertEquals("{a=[1, 2]}", response.bodyText());
    }

    private static String part(String name, String value) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    private static RawResponse post(String path, String type, String body) {
        return TestServers.exchange(server, "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + type
                + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    }
}
