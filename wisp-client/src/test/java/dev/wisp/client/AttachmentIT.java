package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.tls.TlsSessionInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The user attachment of an explicit connection (libwebsockets' opaque_user_data): one listener in a shared
 * configuration sees, in every connection event, the attachment of the connection it is about, reconnects included;
 * pooled connections carry none.
 */
class AttachmentIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    /** A device the application keeps per connection, as firmware keeps a struct per lws. */
    private record Device(String name) {
    }

    /** Records "event attachment" lines. */
    private static final class Recorder implements EventListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        private void add(String event, ConnectionInfo connection) {
            seen.add(event + " " + connection.attachment(Device.class).map(Device::name).orElse("none"));
        }

        @Override
        public void dnsResolved(ConnectionInfo connection, List<InetAddress> addresses) {
            add("dns", connection);
        }

        @Override
        public void connected(ConnectionInfo connection, InetSocketAddress remote) {
            add("connected", connection);
        }

        @Override
        public void tlsHandshakeDone(ConnectionInfo connection, TlsSessionInfo session) {
            add("tls", connection);
        }

        @Override
        public void disconnected(ConnectionInfo connection, String reason) {
            add("disconnected", connection);
        }
    }

    @Test
    void eachConnectionHandsItsOwnAttachmentToItsEvents() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Recorder recorder = new Recorder();
            ClientConfig config = ClientConfig.builder().eventListener(recorder).build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), Router.builder()
                    .get("/", (request, response) -> response.send("ok")).build()).start()) {
                Origin origin = Origin.plaintext("127.0.0.1", server.port());
                try (ClientConnection kitchen = ClientConnection.connect(origin, config, new Device("kitchen"));
                        ClientConnection garage = ClientConnection.connect(origin, config, new Device("garage"))) {
                    assertEquals(new Device("kitchen"), kitchen.attachment().orElseThrow());
                    assertEquals("ok", kitchen.send(Request.get(origin.uri("/").toString())).text());
                    kitchen.reconnect();
                    garage.disconnect();
                }
                assertEquals(List.of("dns kitchen", "connected kitchen", "dns garage", "connected garage",
                        "disconnected kitchen", "dns kitchen", "connected kitchen", "disconnected garage",
                        "disconnected kitchen"), recorder.seen);
                recorder.seen.clear();
                try (Client client = Client.create(config)) {
                    assertEquals("ok", client.send(Request.get(origin.uri("/").toString())).text());
                }
                assertTrue(recorder.seen.containsAll(List.of("dns none", "connected none", "disconnected none")),
                        recorder.seen.toString());
            }
        });
    }
}
