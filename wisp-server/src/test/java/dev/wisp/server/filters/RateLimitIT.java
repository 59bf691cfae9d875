package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.LogCapture;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import dev.wisp.testing.TestTransport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * {@link RateLimit} on real connections: a client past its burst gets 429 with {@code Retry-After} while another is
 * served, over keep-alive HTTP/1.1 and over HTTP/2 streams (h2load), keyed by address or by a header.
 */
class RateLimitIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final Router HELLO = Router.builder()
            .get("/hello", (request, response) -> response.send("hello\n")).build();

    private static Server start(RateLimit limit) {
        return Server.create(ServerConfig.builder().port(0).http2(true).build(),
                HttpService.builder(HELLO).filter(limit).build()).start();
    }

    private static RawResponse hello(RawPeer peer, String headers) throws Exception {
        peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n");
        return peer.readResponse();
    }

    @Test
    void aClientPastItsBurstIsAnswered429WhileAnotherIsServed() {
        assertTimeoutPreemptively(LIMIT, () -> {
            RateLimit limit = RateLimit.builder(1, Duration.ofMinutes(1)).burst(2).build();
            try (LogCapture log = LogCapture.of(RateLimit.class.getName()); Server server = start(limit);
                    RawPeer one = RawPeer.connect(InetAddress.getByName("127.0.0.1"), server.port());
                    RawPeer other = RawPeer.connect(InetAddress.getByName("127.0.0.2"), server.port())) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(200, hello(one, "").status(), "request " + i + " of the burst");
                }
                for (int i = 0; i < 3; i++) {
                    RawResponse refused = hello(one, "");
                    assertEquals(429, refused.status());
                    assertEquals("too many requests\n", refused.bodyText());
                    int retryAfter = Integer.parseInt(refused.header("Retry-After").orElseThrow());
                    assertTrue(retryAfter > 55 && retryAfter <= 60, "Retry-After " + retryAfter);
                }
                assertEquals(200, hello(other, "").status(), "another client's rate is its own");
                assertEquals(429, hello(one, "").status(), "a 429 keeps the connection");
                long warnings = log.records().stream().filter(record -> record.getLevel() == Level.WARNING).count();
                assertEquals(1, warnings, "one line a minute at most");
                String line = log.records().get(0).getMessage();
                assertTrue(line.contains("1 request with 429") && line.contains("from 127.0.0.1"), line);
            }
        });
    }

    @Test
    void eachHttp2StreamIsARequest() {
        assumeFalse(TestTransport.isTls(), "h2load is given a plaintext URL");
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = start(RateLimit.builder(1, Duration.ofMinutes(1)).burst(1).build())) {
                // Four streams, one at a time, on one h2c connection.
                PeerTools.Result h2load = PeerTools.run(LIMIT, List.of(PeerTools.require("h2load").toString(),
                        "-n", "4", "-c", "1", "-m", "1", "http://127.0.0.1:" + server.port() + "/hello"));
                assertEquals(0, h2load.exitCode(), h2load.stderr());
                assertTrue(h2load.stdout().contains("status codes: 2 2xx, 0 3xx, 2 4xx, 0 5xx"), h2load.stdout());
            }
        });
    }

    @Test
    void aKeyOfTheApplicationsOwnAndRequestsWithoutOne() {
        assertTimeoutPreemptively(LIMIT, () -> {
            RateLimit limit = RateLimit.builder(1, Duration.ofMinutes(1))
                    .key(request -> request.headers().firstOrNull("X-Api-Key")).build();
            try (Server server = start(limit); RawPeer peer = RawPeer.connect(server.port())) {
                assertEquals(200, hello(peer, "X-Api-Key: a\r\n").status());
                assertEquals(429, hello(peer, "X-Api-Key: a\r\n").status());
                assertEquals(200, hello(peer, "X-Api-Key: b\r\n").status(), "another key, the same connection");
                for (int i = 0; i < 3; i++) {
                    assertEquals(200, hello(peer, "").status(), "no key: not limited");
                }
            }
        });
    }

    @Test
    void aNewClientFindingNoRoomIsAnswered429() {
        assertTimeoutPreemptively(LIMIT, () -> {
            RateLimit limit = RateLimit.builder(1, Duration.ofMinutes(1)).maxClients(1).build();
            try (Server server = start(limit);
                    RawPeer one = RawPeer.connect(InetAddress.getByName("127.0.0.1"), server.port());
                    RawPeer other = RawPeer.connect(InetAddress.getByName("127.0.0.2"), server.port())) {
                assertEquals(200, hello(one, "").status());
                RawResponse refused = hello(other, "");
                assertEquals(429, refused.status());
                assertEquals("1", refused.header("Retry-After").orElseThrow());
            }
        });
    }

    @Test
    void optionsOutOfRangeAreRefused() {
        for (Runnable build : List.<Runnable>of(
                () -> RateLimit.builder(0, Duration.ofSeconds(1)).build(),
                () -> RateLimit.builder(1, Duration.ZERO).build(),
                () -> RateLimit.builder(1, Duration.ofSeconds(1)).burst(-1).build(),
                () -> RateLimit.builder(1, Duration.ofSeconds(1)).maxClients(0).build())) {
            assertThrows(IllegalArgumentException.class, build::run);
        }
    }
}
