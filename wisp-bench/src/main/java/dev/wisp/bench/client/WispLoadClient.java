package dev.wisp.bench.client;

import dev.wisp.client.Client;
import dev.wisp.client.ClientConfig;
import dev.wisp.client.RedirectPolicy;
import dev.wisp.client.Request;
import dev.wisp.client.Response;
import dev.wisp.core.Version;
import java.net.URI;

/**
 * Wisp's {@link Client}: its pool, {@code send} on the calling (virtual) thread, the body read as a stream.
 * {@code maxConnectionsPerOrigin} and {@code maxConnections} raised from 8 and 64 so the 64 concurrent callers
 * each get a connection, as the other libraries' pools allow. HTTP/2 as configured by default
 * ({@code Http2Mode.NEGOTIATE}): offered by ALPN over TLS, so an {@code https} origin whose server chooses h2 gets
 * one connection shared by all calls, a stream each; plaintext stays HTTP/1.1. {@link Response#version()} is
 * checked on every response.
 */
final class WispLoadClient implements LoadClient {
    private final Client client;
    private final LoadProtocol protocol;

    WispLoadClient(LoadProtocol protocol) {
        this.protocol = protocol;
        client = Client.create(ClientConfig.builder()
                .maxConnectionsPerOrigin(ClientLoad.MAX_CONNECTIONS)
                .maxConnections(ClientLoad.MAX_CONNECTIONS)
                .maxQueuedRequests(4 * ClientLoad.MAX_CONNECTIONS)
                .connectTimeout(ClientLoad.TIMEOUT)
                .readTimeout(ClientLoad.TIMEOUT)
                .writeTimeout(ClientLoad.TIMEOUT)
                .redirectPolicy(RedirectPolicy.none())
                .build());
    }

    @Override
    public long get(URI uri, byte[] scratch) throws Exception {
        try (Response response = client.send(Request.builder(uri).build())) {
            BodyDrain.requireOk(response.statusCode(), uri);
            protocol.require(response.version() == Version.HTTP_2, response.version(), uri);
            return BodyDrain.drain(response.body(), scratch);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
