package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.filters.RequestId;
import dev.wisp.server.filters.TrustedProxies;
import dev.wisp.testing.PeerTools;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server behind Wisp's own reverse proxy finds the client's address with {@link TrustedProxies}, from the field the
 * proxy writes ({@code X-Forwarded-For} or {@code Forwarded}); an address the client wrote itself is dropped by the
 * proxy, which does not trust its clients' fields. And the identifier {@link RequestId} gives a request at the proxy
 * reaches the server behind it.
 */
class FiltersBehindReverseProxyIT {
    @ParameterizedTest
    @EnumSource(TrustedProxies.Field.class)
    void theUpstreamSeesTheClientTheProxyForwarded(TrustedProxies.Field field) throws Exception {
        Router who = Router.builder().get("/who", (request, response) -> response
                .send(request.connection().remoteAddress().getAddress().getHostAddress())).build();
        TrustedProxies proxies = TrustedProxies.builder().trust("127.0.0.1").field(field).build();
        try (Server upstream = Server.create(ServerConfig.builder().port(0).build(),
                HttpService.builder(who).filter(proxies).build()).start();
                ReverseProxy proxy = ReverseProxy.builder("http://127.0.0.1:" + upstream.port() + "/")
                        .forwardedHeaders(field == TrustedProxies.Field.FORWARDED ? ForwardedHeaders.FORWARDED
                                : ForwardedHeaders.X_FORWARDED)
                        .build();
                Server front = Server.create(ServerConfig.builder().port(0).build(),
                        Router.builder().any("/*", proxy).build()).start()) {
            PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), List.of(
                    PeerTools.require("curl").toString(), "-sS", "--interface", "127.0.0.2",
                    "-H", "X-Forwarded-For: 192.0.2.66", "-H", "Forwarded: for=192.0.2.66",
                    "http://127.0.0.1:" + front.port() + "/who"));
            assertEquals("127.0.0.2", result.stdout(), result.stderr());
        }
    }

    @Test
    void theUpstreamSeesTheRequestIdTheProxyGave() throws Exception {
        Router id = Router.builder().get("/id", (request, response) -> response
                .send(String.valueOf(request.headers().firstOrNull("X-Request-Id")))).build();
        try (Server upstream = Server.create(ServerConfig.builder().port(0).build(), id).start();
                ReverseProxy proxy = ReverseProxy.builder("http://127.0.0.1:" + upstream.port() + "/").build();
                Server front = Server.create(ServerConfig.builder().port(0).build(),
                        HttpService.builder(Router.builder().any("/*", proxy).build()).filter(RequestId.create())
                                .build()).start()) {
            PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), List.of(
                    PeerTools.require("curl").toString(), "-sS", "-D", "-",
                    "http://127.0.0.1:" + front.port() + "/id"));
            List<String> lines = result.stdout().lines().toList();
            String given = lines.stream().filter(line -> line.regionMatches(true, 0, "X-Request-Id: ", 0, 14))
                    .findFirst().orElseThrow().substring(14).strip();
            assertEquals(given, lines.getLast(), result.stdout());
        }
    }
}
