package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The request line carries ASCII only (RFC 9112 §3.2): characters of a request URI beyond ASCII, and the bytes a
 * server puts raw into a Location (spaces, UTF-8), go percent-encoded, as curl and browsers send them. A Location
 * that cannot be made a request URI fails the call with a typed error.
 */
class UriEncodingIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    /** Answers a request for {@code /start} with a redirect to {@code location}, and anything else with 200. */
    private static ScriptedServer redirecting(String location) throws Exception {
        return ScriptedServer.start((socket, index, self) -> {
            var in = socket.getInputStream();
            while (true) {
                String head = self.readHead(in);
                ScriptedServer.write(socket, head.startsWith("GET /start ")
                        ? "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n"
                        : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        });
    }

    private static String requestLine(ScriptedServer server, int index) {
        return server.heads().get(index).lines().findFirst().orElseThrow();
    }

    @Test
    void sendsTheCharactersOfAUriBeyondAsciiAsUtf8PercentEncoded() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = redirecting("/"); Client client = Client.create()) {
                URI uri = new URI("http", null, "127.0.0.1", server.port(), "/café/ü", "q=é&r=%41", null);
                assertEquals("ok", client.send(Request.builder(uri).build()).text());
                assertEquals("GET /caf%C3%A9/%C3%BC?q=%C3%A9&r=%2541 HTTP/1.1", requestLine(server, 0));
            }
        });
    }

    @Test
    void followsALocationWithRawSpacesAndUtf8BytesPercentEncodingThem() {
        assertTimeoutPreemptively(LIMIT, () -> {
            // The field's bytes as ISO-8859-1 chars: C3 A9 is 'é' in UTF-8, which the server wrote raw.
            for (String location : List.of("/caf\u00c3\u00a9 menu?q=a b|c%20d", "caf\u00c3\u00a9 menu?q=a b|c%20d")) {
                try (ScriptedServer server = redirecting(location); Client client = Client.create()) {
                    Response response = client.send(Request.get(server.url("/start")));
                    assertEquals("ok", response.text());
                    assertEquals("GET /caf%C3%A9%20menu?q=a%20b%7Cc%20d HTTP/1.1", requestLine(server, 1));
                    assertEquals(server.url("/caf%C3%A9%20menu?q=a%20b%7Cc%20d"), response.request().uri().toString());
                }
            }
        });
    }

    @Test
    void followsALocationWithAPercentSignThatBeginsNoEscapeEncodingIt() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = redirecting("/q?z=%zz&p=100%&e=%4"); Client client = Client.create()) {
                assertEquals("ok", client.send(Request.get(server.url("/start"))).text());
                assertEquals("GET /q?z=%25zz&p=100%25&e=%254 HTTP/1.1", requestLine(server, 1));
            }
        });
    }

    @Test
    void failsWithAProtocolErrorForALocationNoRequestCanGoTo() {
        assertTimeoutPreemptively(LIMIT, () -> {
            for (String location : List.of("http://127.0.0.1:99999/", "http://127.0.0.1:0/",
                    "http://%ff@127.0.0.1/")) {
                try (ScriptedServer server = redirecting(location); Client client = Client.create()) {
                    ResponseProtocolException e = assertThrows(ResponseProtocolException.class,
                            () -> client.send(Request.get(server.url("/start"))), location);
                    assertEquals("redirect Location '" + location + "' is not a valid URI reference", e.getMessage());
                }
            }
        });
    }
}
