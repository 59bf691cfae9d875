package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An identifier per exchange, in the request the handler sees, the response and the JSON access log line; one a
 * client sends replaced unless accepted, and then only when well-formed; over HTTP/1.1 and, with curl, h2c.
 */
class RequestIdIT {
    private static final String HEX_ID = "[0-9a-f]{32}";

    /** Answers with the identifier the handler sees. */
    private static Router idRouter(String field) {
        return Router.builder().get("/id", (request, response) -> response
                .send(String.valueOf(request.headers().firstOrNull(field)))).build();
    }

    @Test
    void everyExchangeHasItsOwnInTheRequestTheResponseAndTheLog() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        HttpService service = HttpService.builder(idRouter(RequestId.DEFAULT_FIELD))
                .filter(RequestId.create())
                .filter(AccessLog.builder().format(AccessLog.Format.JSON).to(logged::add).build())
                .build();
        try (Server server = Server.create(ServerConfig.builder().port(0).build(), service).start()) {
            RawResponse first = get(server, "/id");
            RawResponse second = get(server, "/id", "X-Request-Id: chosen-by-the-client");
            RawResponse missing = get(server, "/missing");
            String id = first.header("X-Request-Id").orElseThrow();
            assertTrue(id.matches(HEX_ID), id);
            assertEquals(id, body(first), "the handler sees the response's identifier");
            String other = second.header("X-Request-Id").orElseThrow();
            assertTrue(other.matches(HEX_ID), "a client's own is replaced by default: " + other);
            assertNotEquals(id, other);
            assertEquals(other, body(second));
            assertEquals(404, missing.status());
            assertTrue(missing.header("X-Request-Id").orElseThrow().matches(HEX_ID), "error answers too");
            assertEquals(3, logged.size());
            assertTrue(logged.get(0).endsWith(",\"request_id\":\"" + id + "\"}"), logged.get(0));
            assertTrue(logged.get(1).endsWith(",\"request_id\":\"" + other + "\"}"), logged.get(1));
        }
    }

    @Test
    void aGatewaysIdentifierIsKeptWhenAcceptedAndWellFormed() throws Exception {
        RequestId ids = RequestId.builder().acceptIncoming(true).build();
        try (Server server = Server.create(ServerConfig.builder().port(0).build(),
                HttpService.builder(idRouter("X-Request-Id")).filter(ids).build()).start()) {
            RawResponse kept = get(server, "/id", "X-Request-Id: gw-7f3a:01/xyz");
            assertEquals("gw-7f3a:01/xyz", kept.header("X-Request-Id").orElseThrow());
            assertEquals("gw-7f3a:01/xyz", body(kept));
            for (String bad : List.of("X-Request-Id: two words", "X-Request-Id: " + "x".repeat(201),
                    "X-Request-Id: a,b", "X-Request-Id: caf\u00e9")) {
                RawResponse replaced = get(server, "/id", bad);
                assertTrue(replaced.header("X-Request-Id").orElseThrow().matches(HEX_ID), bad);
                assertEquals(replaced.header("X-Request-Id").orElseThrow(), body(replaced), bad);
            }
            RawResponse two = get(server, "/id", "X-Request-Id: a", "X-Request-Id: b");
            assertTrue(two.header("X-Request-Id").orElseThrow().matches(HEX_ID), "two are no one identifier");
            assertEquals(two.header("X-Request-Id").orElseThrow(), body(two));
        }
    }

    @Test
    void curlOverH2cAndAFieldOfItsOwnName() throws Exception {
        RequestId ids = RequestId.builder().field("X-Correlation-Id").build();
        try (Server server = Server.create(ServerConfig.builder().port(0).http2(true).build(),
                HttpService.builder(idRouter("X-Correlation-Id")).filter(ids).build()).start()) {
            PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), List.of(
                    PeerTools.require("curl").toString(), "-sS", "--http2-prior-knowledge", "-D", "-",
                    "http://127.0.0.1:" + server.port() + "/id"));
            assertEquals(0, result.exitCode(), result.stderr());
            List<String> lines = new ArrayList<>(result.stdout().lines().toList());
            assertTrue(lines.get(0).startsWith("HTTP/2 200"), result.stdout());
            String header = lines.stream().filter(line -> line.startsWith("x-correlation-id: ")).findFirst()
                    .orElseThrow().substring("x-correlation-id: ".length()).strip();
            assertTrue(header.matches(HEX_ID), header);
            assertEquals(header, lines.getLast(), "the body, after the head");
            assertEquals(ids.field(), "X-Correlation-Id");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "X Request", "X-Request-Id:", "Ünicode"})
    void refusesAFieldNameThatIsNoToken(String name) {
        assertThrows(IllegalArgumentException.class, () -> RequestId.builder().field(name));
    }

    private static RawResponse get(Server server, String path, String... fields) {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: x\r\n");
        for (String field : fields) {
            request.append(field).append("\r\n");
        }
        RawResponse[] response = new RawResponse[1];
        RawPeer.talk(server.port(), peer -> {
            peer.send(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            response[0] = peer.readResponse();
        });
        return response[0];
    }

    private static String body(RawResponse response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }
}
