package dev.wisp.bench.client;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;

/**
 * Jetty 12's {@link HttpClient}: the blocking {@code newRequest(uri).send()}, which hands back the whole body as
 * a {@link ContentResponse} (buffered by Jetty, up to its 2 MiB default, so the 1 MiB file fits); its default
 * thread pool and selector, 64 connections per destination (its default).
 */
final class JettyLoadClient implements LoadClient {
    private final HttpClient client;

    JettyLoadClient() throws Exception {
        client = new HttpClient();
        client.setMaxConnectionsPerDestination(ClientLoad.MAX_CONNECTIONS);
        client.setConnectTimeout(ClientLoad.TIMEOUT.toMillis());
        client.setFollowRedirects(false);
        client.start();
    }

    @Override
    public long get(URI uri, byte[] scratch) throws Exception {
        ContentResponse response = client.newRequest(uri)
                .timeout(ClientLoad.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .send();
        BodyDrain.requireOk(response.getStatus(), uri);
        return response.getContent().length;
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
