package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multipart and urlencoded bodies as bytes: layout, length, boundary checks, encoding. */
class MultipartBodyTest {
    @TempDir
    Path directory;

    private static String written(MultipartBody body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        body.body().writeTo(out);
        assertEquals(body.length(), out.size(), "the announced length is what is written");
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void laysOutFieldsAndFilesWithAFixedBoundary() throws IOException {
        Path file = Files.writeString(directory.resolve("a.txt"), "file text\n");
        MultipartBody body = MultipartBody.builder().boundary("XyZ").field("na\"me", "v\u00e4lue")
                .file("up", file, "r\u00e9sum\u00e9.txt", "text/plain").build();
        assertEquals("multipart/form-data; boundary=XyZ", body.contentType());
        assertEquals("""
                --XyZ\r
                Content-Disposition: form-data; name="na%22me"\r
                \r
                v\u00e4lue\r
                --XyZ\r
                Content-Disposition: form-data; name="up"; filename="r\u00e9sum\u00e9.txt"\r
                Content-Type: text/plain\r
                \r
                file text
                \r
                --XyZ--\r
                """, written(body));
        assertEquals(written(body), written(body), "files are read again for a second send");
    }

    @Test
    void sendsFieldsAndFilesGivenAsBytesWithOrWithoutAType() throws IOException {
        byte[] content = "piped\n".getBytes(StandardCharsets.UTF_8);
        MultipartBody body = MultipartBody.builder().boundary("XyZ").file("in", content, "-", "")
                .file("typed", content, "n.txt", "text/plain").field("raw", content).build();
        content[0] = 'X';
        assertEquals("""
                --XyZ\r
                Content-Disposition: form-data; name="in"; filename="-"\r
                \r
                piped
                \r
                --XyZ\r
                Content-Disposition: form-data; name="typed"; filename="n.txt"\r
                Content-Type: text/plain\r
                \r
                piped
                \r
                --XyZ\r
                Content-Disposition: form-data; name="raw"\r
                \r
                piped
                \r
                --XyZ--\r
                """, written(body));
        assertThrows(IllegalArgumentException.class, () -> MultipartBody.builder().boundary("XyZ")
                .file("in", "a--XyZ".getBytes(StandardCharsets.UTF_8), "-", "").build());
    }

    @Test
    void drawsARandomBoundaryEachTime() throws IOException {
        String first = MultipartBody.builder().field("a", "b").build().boundary();
        assertTrue(first.matches("wisp-[A-Za-z0-9]{32}"), first);
        assertNotEquals(first, MultipartBody.builder().field("a", "b").build().boundary());
    }

    @Test
    void failsAFileThatHoldsTheBoundaryOrChangedSize() throws IOException {
        Path file = Files.writeString(directory.resolve("evil.bin"), "x".repeat(20_000) + "\r\n--fixed-b");
        MultipartBody body = MultipartBody.builder().boundary("fixed-b").file("f", file).build();
        IOException e = assertThrows(IOException.class, () -> body.body().writeTo(new ByteArrayOutputStream()));
        assertEquals("file " + file + " contains the multipart boundary; body not completed", e.getMessage());

        Path growing = Files.writeString(directory.resolve("grows.bin"), "12345");
        MultipartBody sized = MultipartBody.builder().file("f", growing).build();
        Files.writeString(growing, "123456");
        assertEquals("file " + growing + " changed size from 5 bytes while sent",
                assertThrows(IOException.class, () -> sized.body().writeTo(new ByteArrayOutputStream()))
                        .getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> MultipartBody.builder().boundary("b").field("x", "--b").build());
    }

    @Test
    void encodesFormsAsTheUrlStandardDoes() {
        FormBody form = FormBody.builder().add("name", "J\u00fcrgen K").add("sym", "a+b&c=d*-._~").build();
        assertEquals("name=J%C3%BCrgen+K&sym=a%2Bb%26c%3Dd*-._%7E", form.encoded());
        Request request = Request.builder("http://x/").method("POST").body(form).build();
        assertEquals(FormBody.CONTENT_TYPE, request.headers().firstOrNull("Content-Type"));
        assertTrue(request.isBodyRepeatable());
    }
}
