package dev.wisp.bench.client;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * OkHttp 5: {@code newCall(request).execute()} on the calling (virtual) thread, the body read through
 * {@code byteStream()}. The connection pool keeps up to 64 idle connections instead of 5, so the concurrent test
 * does not close and reopen connections between calls. For HTTP/1.1, HTTP/1.1 only (plaintext has no ALPN
 * anyway); for h2, its default protocols (h2 and http/1.1 offered by ALPN; an h2 connection is shared by all
 * calls to its origin). {@link Response#protocol()} is checked on every response.
 */
final class OkHttpLoadClient implements LoadClient {
    private final OkHttpClient client;
    private final LoadProtocol protocol;

    OkHttpLoadClient(LoadProtocol protocol) {
        this.protocol = protocol;
        client = new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(ClientLoad.MAX_CONNECTIONS, 5, TimeUnit.MINUTES))
                .protocols(protocol == LoadProtocol.H2
                        ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1)
                        : List.of(Protocol.HTTP_1_1))
                .connectTimeout(ClientLoad.TIMEOUT)
                .readTimeout(ClientLoad.TIMEOUT)
                .writeTimeout(ClientLoad.TIMEOUT)
                .followRedirects(false)
                .build();
    }

    @Override
    public long get(URI uri, byte[] scratch) throws Exception {
        Request request = new Request.Builder().url(uri.toURL()).build();
        try (Response response = client.newCall(request).execute()) {
            BodyDrain.requireOk(response.code(), uri);
            protocol.require(response.protocol() == Protocol.HTTP_2, response.protocol(), uri);
            return BodyDrain.drain(response.body().byteStream(), scratch);
        }
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
