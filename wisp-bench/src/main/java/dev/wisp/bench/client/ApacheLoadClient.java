package dev.wisp.bench.client;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * Apache HttpClient 5, classic (blocking) API: {@code execute(request, handler)} on the calling (virtual)
 * thread, the handler reading the entity's stream to the end, which returns the connection to the pool. Pooling
 * connection manager with 64 connections per route and in total (defaults 5 and 25); no redirects, retries,
 * cookies or content compression.
 */
final class ApacheLoadClient implements LoadClient {
    private final CloseableHttpClient client;

    ApacheLoadClient() {
        Timeout timeout = Timeout.of(ClientLoad.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnPerRoute(ClientLoad.MAX_CONNECTIONS)
                .setMaxConnTotal(ClientLoad.MAX_CONNECTIONS)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout)
                        .setSocketTimeout(timeout)
                        .build())
                .build();
        client = HttpClients.custom()
                .setConnectionManager(pool)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableContentCompression()
                .build();
    }

    @Override
    public long get(URI uri, byte[] scratch) throws Exception {
        return client.execute(new HttpGet(uri), response -> {
            BodyDrain.requireOk(response.getCode(), uri);
            return BodyDrain.drain(response.getEntity().getContent(), scratch);
        });
    }

    @Override
    public void close() throws Exception {
        client.close();
    }
}
