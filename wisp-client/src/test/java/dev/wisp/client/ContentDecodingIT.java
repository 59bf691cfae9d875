package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code decompress(true)} on encoded bodies real servers rarely send: empty ones, which decode to nothing as curl's
 * {@code --compressed} has them, and truncated ones. (nginx's answer to HEAD is in {@link NginxIT}.)
 */
class ContentDecodingIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void decodesAnEmptyEncodedBodyToNothing() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                var in = socket.getInputStream();
                self.readHead(in);
                ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 0\r\n\r\n");
                self.readHead(in);
                ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
                self.readHead(in);
                ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                self.readHead(in);
                ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\n"
                        + "\u001f\u008b\u0008");
            }); Client client = Client.create()) {
                assertEquals(0, client.send(Request.builder(server.url("/gzip")).decompress(true).build())
                        .bytes().length);
                assertEquals(0, client.send(Request.builder(server.url("/deflate")).decompress(true).build())
                        .bytes().length);
                assertEquals("ok", client.send(Request.get(server.url("/after"))).text());
                assertEquals(1, server.connections());
                Response truncated = client.send(Request.builder(server.url("/cut")).decompress(true).build());
                ResponseProtocolException e = assertThrows(ResponseProtocolException.class, truncated::bytes);
                assertEquals("response body is not valid gzip: it ends early", e.getMessage());
            }
        });
    }
}
