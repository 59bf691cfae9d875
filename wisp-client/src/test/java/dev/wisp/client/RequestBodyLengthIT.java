package dev.wisp.client;

import static dev.wisp.client.Eventually.assertEventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A request body that does not match its declared length fails with {@link RequestBodyLengthException} over HTTP/1.1
 * and HTTP/2 alike, too long or too short, streamed or whole: the caller's mistake, not a closed connection that a
 * retry would mend. Before, HTTP/1.1 threw IllegalStateException for a body too long, and both protocols
 * ConnectionClosedException for the rest. The HTTP/1.1 connection closes, since its framing is broken; the HTTP/2
 * connection loses only the stream, and carries the next call.
 */
class RequestBodyLengthIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final byte[] NINETEEN_BYTES = "nineteen bytes long".getBytes(StandardCharsets.US_ASCII);

    private Server server;

    @BeforeEach
    void start() {
        Router router = Router.builder().any("/echo", (request, response) -> response.send(request.bodyBytes()))
                .build();
        server = Server.create(ServerConfig.builder().port(0).http2(true).build(), router).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Request put() {
        return Request.builder("http://127.0.0.1:" + server.port() + "/echo").method("PUT").build();
    }

    private static Client client(Http2Mode mode) {
        return Client.create(ClientConfig.builder().http2(mode).build());
    }

    @ParameterizedTest
    @EnumSource(value = Http2Mode.class, names = {"OFF", "PRIOR_KNOWLEDGE"})
    void refusesAStreamedBodyThatRunsPastItsLength(Http2Mode mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = client(mode)) {
                try (StreamingRequest upload = client.open(put(), 5)) {
                    RequestBodyLengthException failure = assertThrows(RequestBodyLengthException.class,
                            () -> upload.body().write(NINETEEN_BYTES));
                    assertEquals("request body runs past its declared length of 5 bytes (19 bytes written)",
                            failure.getMessage());
                    assertEquals(5, failure.declaredLength());
                }
                assertConnectionHandled(client, mode);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(value = Http2Mode.class, names = {"OFF", "PRIOR_KNOWLEDGE"})
    void refusesAStreamedBodyThatEndsShortOfItsLength(Http2Mode mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = client(mode)) {
                try (StreamingRequest upload = client.open(put(), 100)) {
                    upload.body().write(NINETEEN_BYTES);
                    RequestBodyLengthException failure = assertThrows(RequestBodyLengthException.class,
                            upload::response);
                    assertEquals("request body ended short of its declared length of 100 bytes (19 bytes written)",
                            failure.getMessage());
                }
                assertConnectionHandled(client, mode);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(value = Http2Mode.class, names = {"OFF", "PRIOR_KNOWLEDGE"})
    void refusesAWholeBodyWhoseSourceIsShortWithoutRetrying(Http2Mode mode) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = client(mode)) {
                Request shortBody = Request.builder(put().uri()).method("PUT")
                        .body(new ByteArrayInputStream(NINETEEN_BYTES), 100).build();
                assertThrows(RequestBodyLengthException.class, () -> client.send(shortBody));
                assertConnectionHandled(client, mode);
            }
        });
    }

    /** HTTP/1.1: the connection closed; HTTP/2: kept, and the next call goes on it. */
    private void assertConnectionHandled(Client client, Http2Mode mode) throws Exception {
        if (mode == Http2Mode.OFF) {
            assertEventually(() -> client.openConnections() == 0, () -> "the HTTP/1.1 connection closed");
            return;
        }
        Request good = Request.builder(put().uri()).method("PUT").body("fine").build();
        try (Response response = client.send(good)) {
            assertEquals("fine", response.text());
            assertTrue(response.timing().connectionReused(), "the HTTP/2 connection carried the next call");
        }
        assertEquals(1, client.openConnections());
    }
}
