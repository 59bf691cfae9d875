package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that answers before it has read the request body and closes the connection (a 413 for a body past its
 * limit): RFC 9112 §9.5 has a client that sends a body watch for such an answer. When the write of the body fails
 * (broken pipe, reset), the client reads the answer that already came and returns it, as curl and the JDK's client
 * do; before, the call failed with ConnectionClosedException "Broken pipe".
 */
class EarlyResponseIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final int TWELVE_MB = 12 << 20;

    @TempDir
    private Path folder;

    private static Server wispServer() {
        Router router = Router.builder().post("/upload", (request, response) -> response.send(request.bodyBytes()))
                .build();
        return Server.create(ServerConfig.builder().port(0).build(), router).start(); // maxRequestBodyBytes 10 MiB
    }

    private static Client http1Client() {
        return Client.create(ClientConfig.builder().http2(Http2Mode.OFF).build());
    }

    @Test
    void returnsTheEarly413OfWispsServerToABodyPastItsLimit() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = wispServer(); Client client = http1Client()) {
                Request upload = Request.builder("http://127.0.0.1:" + server.port() + "/upload").method("POST")
                        .body(new byte[TWELVE_MB]).build();
                try (Response response = client.send(upload)) {
                    assertEquals(413, response.statusCode());
                    response.bytes();
                }
                assertEquals(0, client.openConnections(), "the connection that carried it is not reused");
            }
        });
    }

    @Test
    void returnsTheEarly413ToAStreamedBodyWhoseRestIsDropped() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = wispServer(); Client client = http1Client()) {
                Request upload = Request.builder("http://127.0.0.1:" + server.port() + "/upload").method("POST")
                        .build();
                try (StreamingRequest request = client.open(upload, TWELVE_MB)) {
                    OutputStream body = request.body();
                    byte[] part = new byte[64 * 1024];
                    for (int sent = 0; sent < TWELVE_MB; sent += part.length) {
                        body.write(part);
                    }
                    try (Response response = request.response()) {
                        assertEquals(413, response.statusCode());
                    }
                }
            }
        });
    }

    @Test
    void returnsTheEarly413OfNginxToABodyPastClientMaxBodySize() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int port = NginxPeer.freePort();
            try (NginxPeer nginx = NginxPeer.start(folder, """
                    server {
                        listen 127.0.0.1:%d;
                        client_max_body_size 1k;
                        lingering_close off;
                        location / { return 200 "taken\\n"; }
                    }
                    """.formatted(port)); Client client = http1Client()) {
                Request upload = Request.builder("http://127.0.0.1:" + port + "/upload").method("POST")
                        .body(new byte[TWELVE_MB]).build();
                try (Response response = client.send(upload)) {
                    assertEquals(413, response.statusCode());
                    response.bytes();
                }
            }
        });
    }
}
