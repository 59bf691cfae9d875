package dev.wisp.bench.client;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The JDK's {@link HttpClient}: {@code send} on the calling (virtual) thread with
 * {@code BodyHandlers.ofInputStream()}, its streaming body handler, read to the end. HTTP/1.1 forced (its default
 * would try an h2c upgrade), its default executor and unbounded pool.
 */
final class JdkLoadClient implements LoadClient {
    private final HttpClient client;

    JdkLoadClient() {
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(ClientLoad.TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public long get(URI uri, byte[] scratch) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(ClientLoad.TIMEOUT).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            BodyDrain.requireOk(response.statusCode(), uri);
            return BodyDrain.drain(body, scratch);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
