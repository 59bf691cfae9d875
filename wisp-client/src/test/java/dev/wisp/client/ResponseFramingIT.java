package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Responses framed in ways the request did not ask for, from a scripted peer (real servers do not send them on
 * demand): each is refused with a typed error, or read and its connection closed, never handed over half-read.
 */
class ResponseFramingIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final ClientConfig SHORT = ClientConfig.builder().readTimeout(Duration.ofSeconds(2)).build();

    /** A server that answers every request on a connection with the same bytes, then closes. */
    private static ScriptedServer answering(String response) throws Exception {
        return ScriptedServer.start((socket, index, self) -> {
            self.readHead(socket.getInputStream());
            ScriptedServer.write(socket, response);
        });
    }

    @Test
    void refusesATransferCodingOtherThanChunkedRatherThanHandOverItsCodedBytes() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\u001f\u008b");
                    Client client = Client.create(SHORT)) {
                ResponseProtocolException e = assertThrows(ResponseProtocolException.class,
                        () -> client.send(Request.get(server.url("/"))).bytes());
                assertEquals("invalid response from " + Origin.plaintext("127.0.0.1", server.port())
                        + ": transfer coding 'gzip' is not supported", e.getMessage());
                assertEquals(0, client.openConnections());
            }
            try (ScriptedServer server = answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: Identity\r\n\r\nplain");
                    Client client = Client.create(SHORT)) {
                assertEquals("plain", client.send(Request.get(server.url("/"))).text(),
                        "identity (RFC 2616's no coding) changes nothing: the body ends with the connection");
            }
        });
    }

    @Test
    void refusesA101ToARequestThatAskedForNoUpgrade() {
        assertTimeoutPreemptively(LIMIT, () -> {
            String switching = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: upgrade\r\n\r\n"
                    + "foo bytes";
            try (ScriptedServer server = answering(switching); Client client = Client.create(SHORT)) {
                ResponseProtocolException e = assertThrows(ResponseProtocolException.class,
                        () -> client.send(Request.get(server.url("/"))));
                assertEquals("invalid response from " + Origin.plaintext("127.0.0.1", server.port())
                        + ": 101 Switching Protocols to a request that asked for no upgrade", e.getMessage());
                assertEquals(0, client.openConnections());
                Response asked = client.send(Request.builder(server.url("/")).header("Upgrade", "foo")
                        .header("Connection", "upgrade").build());
                assertEquals(101, asked.statusCode(), "an upgrade that was asked for is the response");
                asked.close();
                assertEquals(0, client.openConnections());
            }
        });
    }

    @Test
    void closesAnHttp10ConnectionWhoseResponseWasChunkedEvenIfKeptAlive() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                        while (true) {
                            self.readHead(socket.getInputStream());
                            ScriptedServer.write(socket, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
                                    + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
                        }
                    });
                    Client client = Client.create(SHORT)) {
                assertEquals("hello", client.send(Request.get(server.url("/"))).text());
                Response second = client.send(Request.get(server.url("/")));
                assertEquals("hello", second.text());
                assertFalse(second.timing().connectionReused(), "RFC 9112 §6.1: faulty framing, not reused");
                assertEquals(2, server.connections());
            }
        });
    }
}
