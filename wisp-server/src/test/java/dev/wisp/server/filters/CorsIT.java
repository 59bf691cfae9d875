package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CORS over raw requests: preflights answered from the allow-list or refused, actual requests decorated. */
class CorsIT {
    private static Server server;

    @BeforeAll
    static void start() {
        Router router = Router.builder()
                .get("/data", (request, response) -> response.header("X-Total", "3").send("[1,2,3]\n"))
                .put("/data", (request, response) -> response.send("stored\n"))
                .build();
        Cors cors = Cors.builder().allowedOrigins("https://app.example").allowedMethods("GET", "PUT")
                .allowedHeaders("Content-Type", "Authorization").exposedHeaders("X-Total")
                .allowCredentials(true).maxAge(Duration.ofMinutes(5)).build();
        server = Server.create(ServerConfig.builder().port(0).build(),
                HttpService.builder(router).filter(cors).build()).start();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void answersAnAllowedPreflight() throws Exception {
        RawResponse response = exchange("OPTIONS /data HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n"
                + "Access-Control-Request-Method: PUT\r\nAccess-Control-Request-Headers: content-type\r\n\r\n");
        assertEquals(204, response.status());
        assertEquals("https://app.example", response.header("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("GET, PUT", response.header("Access-Control-Allow-Methods").orElseThrow());
        assertEquals("content-type", response.header("Access-Control-Allow-Headers").orElseThrow());
        assertEquals("true", response.header("Access-Control-Allow-Credentials").orElseThrow());
        assertEquals("300", response.header("Access-Control-Max-Age").orElseThrow());
        assertEquals("Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
                String.join(", ", response.headers().all("Vary")));
    }

    @Test
    void refusesAPreflightOutsideTheAllowList() throws Exception {
        for (String preflight : new String[] {
            "Origin: https://evil.example\r\nAccess-Control-Request-Method: GET\r\n",
            "Origin: https://app.example\r\nAccess-Control-Request-Method: DELETE\r\n",
            "Origin: https://app.example\r\nAccess-Control-Request-Method: GET\r\n"
                    + "Access-Control-Request-Headers: X-Secret\r\n"}) {
            RawResponse response = exchange("OPTIONS /data HTTP/1.1\r\nHost: x\r\n" + preflight + "\r\n");
            assertEquals(403, response.status(), preflight);
            assertFalse(response.header("Access-Control-Allow-Origin").isPresent(), preflight);
        }
    }

    @Test
    void decoratesActualRequestsFromAllowedOriginsOnly() throws Exception {
        RawResponse allowed = exchange("GET /data HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n\r\n");
        assertEquals("[1,2,3]\n", allowed.bodyText());
        assertEquals("https://app.example", allowed.header("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("X-Total", allowed.header("Access-Control-Expose-Headers").orElseThrow());
        assertEquals("Origin", allowed.header("Vary").orElseThrow());
        RawResponse notFound = exchange("GET /none HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n\r\n");
        assertEquals(404, notFound.status());
        assertEquals("https://app.example", notFound.header("Access-Control-Allow-Origin").orElseThrow());
        RawResponse other = exchange("GET /data HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n\r\n");
        assertEquals(200, other.status());
        assertFalse(other.header("Access-Control-Allow-Origin").isPresent());
        assertEquals("Origin", other.header("Vary").orElseThrow());
        RawResponse options = exchange("OPTIONS /data HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(204, options.status());
        assertEquals("GET, HEAD, PUT, OPTIONS", options.header("Allow").orElseThrow());
    }

    @Test
    void allowsAnyRequestedHeaderWithTheWildcardNamingEachBack() throws Exception {
        Router router = Router.builder().put("/data", (request, response) -> response.send("stored\n")).build();
        Cors cors = Cors.builder().allowedOrigins("*").allowedMethods("PUT").allowedHeaders("*").build();
        try (Server any = Server.create(ServerConfig.builder().port(0).build(),
                HttpService.builder(router).filter(cors).build()).start()) {
            RawResponse response = exchange(any, "OPTIONS /data HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:5173"
                    + "\r\nAccess-Control-Request-Method: PUT\r\n"
                    + "Access-Control-Request-Headers: authorization, x-trace-id\r\n\r\n");
            assertEquals(204, response.status());
            assertEquals("*", response.header("Access-Control-Allow-Origin").orElseThrow());
            assertEquals("authorization, x-trace-id", response.header("Access-Control-Allow-Headers").orElseThrow());
            RawResponse refused = exchange(any, "OPTIONS /data HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:5173"
                    + "\r\nAccess-Control-Request-Method: DELETE\r\nAccess-Control-Request-Headers: x-a\r\n\r\n");
            assertEquals(403, refused.status(), "the methods are still a list");
        }
    }

    private static RawResponse exchange(String request) throws Exception {
        return exchange(server, request);
    }

    private static RawResponse exchange(Server target, String request) throws Exception {
        RawResponse[] response = new RawResponse[1];
        RawPeer.talk(target.port(), peer -> {
            peer.send(request);
            response[0] = peer.readResponse();
        });
        return response[0];
    }
}
