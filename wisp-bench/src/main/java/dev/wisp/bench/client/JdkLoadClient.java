package dev.wisp.bench.client;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The JDK's {@link HttpClient}: {@code send} on the calling (virtual) thread with
 * {@code BodyHandlers.ofInputStream()}, its streaming body handler, read to the end. Its default executor and
 * unbounded pool. For HTTP/1.1, HTTP/1.1 forced (its default would try an h2c upgrade); for h2, its default
 * ({@code Version.HTTP_2}: h2 offered by ALPN, one connection per origin). {@link HttpResponse#version()} is
 * checked on every response.
 */
final class JdkLoadClient implements LoadClient {
    private final HttpClient client;
    private final LoadProtocol protocol;

    JdkLoadClient(LoadProtocol protocol) {
        this.protocol = protocol;
        client = HttpClient.newBuilder()
                .version(protocol == LoadProtocol.H2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
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
            protocol.require(response.version() == HttpClient.Version.HTTP_2, response.version(), uri);
            return BodyDrain.drain(body, scratch);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
