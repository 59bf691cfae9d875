package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.server.forms.FormData;
import dev.wisp.server.forms.Forms;
import dev.wisp.server.forms.MultipartForm;
import dev.wisp.server.forms.Part;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Forms sent by the JDK's HttpClient: a urlencoded body, and a multipart upload sent chunked. */
class FormsJdkClientIT {
    private static Server server;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        server = Server.create(TestServers.config().build(), Router.builder()
                .post("/form", (request, response) -> {
                    FormData form = Forms.urlEncoded(request);
                    response.send(form.first("who").orElse("?") + " " + form.all("n") + "\n");
                })
                .post("/upload", (request, response) -> {
                    MultipartForm form = Forms.multipart(request);
                    Part file = form.files().get(0);
                    byte[] content = file.bytes();
                    response.send(form.fields().first("who").orElse("?") + " " + file.filename().orElse("?") + " "
                            + content.length + " " + Arrays.hashCode(content) + "\n");
                })
                .build()).start();
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.stop(Duration.ZERO);
    }

    @Test
    void readsAUrlEncodedForm() throws Exception {
        String body = "who=" + URLEncoder.encode("Zo\u00eb & co", StandardCharsets.UTF_8) + "&n=1&n=2";
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/form"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("Zo\u00eb & co [1, 2]\n", response.body());
    }

    @Test
    void readsAMultipartUploadSentChunked() throws Exception {
        byte[] content = new byte[300_000];
        new Random(7).nextBytes(content);
        String boundary = "jdk-" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"who\"\r\n\r\nZo\u00eb\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] bytes = body.toByteArray();

        // An InputStream publisher has no length, so the client sends the body chunked.
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                .timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("Zo\u00eb data.bin 300000 " + Arrays.hashCode(content) + "\n", response.body());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
