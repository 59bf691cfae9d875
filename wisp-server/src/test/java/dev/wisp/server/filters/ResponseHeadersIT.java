package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Headers;
import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same fields on every answer, a handler's own of a name taking the place of the filter's, over HTTP/1.1 and with
 * curl over h2c; the fields of framing and coding refused.
 */
class ResponseHeadersIT {
    private static Server server;

    @BeforeAll
    static void start() {
        Router router = Router.builder()
                .get("/plain", (request, response) -> response.send("plain\n"))
                .get("/own", (request, response) -> response.header("Cache-Control", "no-store")
                        .header("cache-control", "private").send("own\n"))
                .get("/set", (request, response) -> response.setHeader("X-Frame-Options", "SAMEORIGIN")
                        .send("set\n"))
                .get("/removed", (request, response) -> response.removeHeader("Cache-Control").send("removed\n"))
                .get("/failing", (request, response) -> {
                    throw new IllegalStateException("broken");
                })
                .build();
        ResponseHeaders headers = ResponseHeaders.of(Headers.of("Cache-Control", "max-age=60",
                "Cross-Origin-Opener-Policy", "same-origin", "Link", "</a.css>; rel=preload",
                "Link", "</b.js>; rel=preload", "X-Frame-Options", "DENY"));
        server = Server.create(ServerConfig.builder().port(0).http2(true).build(),
                HttpService.builder(router).filter(headers).build()).start();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void everyAnswerHasTheFieldsEachValueOfARepeatedName() {
        for (String path : List.of("/plain", "/missing", "/failing")) {
            RawResponse response = get(path);
            assertEquals(List.of("same-origin"), response.headers().all("Cross-Origin-Opener-Policy"), path);
            assertEquals(List.of("</a.css>; rel=preload", "</b.js>; rel=preload"), response.headers().all("Link"),
                    path);
        }
        assertEquals(List.of("max-age=60"), get("/plain").headers().all("Cache-Control"));
        RawResponse missing = get("/missing");
        assertEquals(404, missing.status());
        assertEquals(List.of("max-age=60"), missing.headers().all("Cache-Control"));
        RawResponse failed = get("/failing");
        assertEquals(500, failed.status());
        assertEquals(List.of(), failed.headers().all("Cache-Control"),
                "a handler's failure drops the fields that described its content, Cache-Control among them");
    }

    @Test
    void aHandlersOwnFieldsTakeThePlaceOfTheFiltersOfThatName() {
        RawResponse own = get("/own");
        assertEquals(List.of("no-store", "private"), own.headers().all("Cache-Control"));
        assertEquals(List.of("DENY"), own.headers().all("X-Frame-Options"));
        assertEquals(List.of("SAMEORIGIN"), get("/set").headers().all("X-Frame-Options"));
        RawResponse removed = get("/removed");
        assertEquals(List.of(), removed.headers().all("Cache-Control"));
        assertEquals(List.of("same-origin"), removed.headers().all("Cross-Origin-Opener-Policy"));
    }

    @Test
    void curlSeesTheFieldsOverH2c() throws Exception {
        PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), List.of(PeerTools.require("curl").toString(),
                "-sS", "--http2-prior-knowledge", "-D", "-", "-o", "/dev/null",
                "http://127.0.0.1:" + server.port() + "/own"));
        assertEquals(0, result.exitCode(), result.stderr());
        String head = result.stdout();
        assertTrue(head.startsWith("HTTP/2 200"), head);
        assertTrue(head.contains("cache-control: no-store\r\ncache-control: private\r\n"), head);
        assertTrue(head.contains("cross-origin-opener-policy: same-origin\r\n"), head);
        assertTrue(head.contains("x-frame-options: DENY\r\n"), head);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length", "transfer-encoding", "Connection", "Content-Encoding", "Date",
        "Content-Range", "Trailer", "Upgrade", "Keep-Alive"})
    void refusesTheFieldsOfFramingAndCoding(String name) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ResponseHeaders.of(Headers.of(name, "1")));
        assertTrue(refused.getMessage().startsWith(name), refused.getMessage());
    }

    private static RawResponse get(String path) {
        RawResponse[] response = new RawResponse[1];
        RawPeer.talk(server.port(), peer -> {
            peer.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            response[0] = peer.readResponse();
        });
        return response[0];
    }
}
