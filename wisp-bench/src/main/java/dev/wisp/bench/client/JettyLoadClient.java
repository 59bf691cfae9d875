package dev.wisp.bench.client;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;

/**
 * Jetty 12's {@link HttpClient}: the blocking {@code newRequest(uri).send()}, which hands back the whole body as
 * a {@link ContentResponse} (buffered by Jetty, up to its 2 MiB default, so the 1 MiB file fits); its default
 * thread pool and selector, 64 connections per destination (its default). For HTTP/1.1 its default transport; for
 * h2, {@link HttpClientTransportOverHTTP2} (Jetty's HTTP/2 transport: h2 by ALPN, through the JDK's SSLEngine, its
 * calls multiplexed as streams on a connection per destination). {@code ContentResponse.getVersion()} is checked
 * on every response.
 */
final class JettyLoadClient implements LoadClient {
    private final HttpClient client;
    private final LoadProtocol protocol;

    JettyLoadClient(LoadProtocol protocol) throws Exception {
        this.protocol = protocol;
        client = protocol == LoadProtocol.H2
                ? new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()))
                : new HttpClient();
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
        protocol.require(response.getVersion() == HttpVersion.HTTP_2, response.getVersion(), uri);
        return response.getContent().length;
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
