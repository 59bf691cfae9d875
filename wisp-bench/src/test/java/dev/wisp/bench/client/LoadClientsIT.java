package dev.wisp.bench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every client of {@code client.sh} reads whole bodies, small and large, several times over its pool, and fails on
 * a status other than 200, against a Wisp server on an ephemeral loopback port.
 */
class LoadClientsIT {
    private static final int LARGE_BYTES = 1024 * 1024 + 7;
    private static Server server;

    @BeforeAll
    static void startServer() throws IOException {
        byte[] large = new byte[LARGE_BYTES];
        server = Server.create(ServerConfig.builder()
                .bindAddress(InetAddress.getLoopbackAddress())
                .port(0)
                .build(), Router.builder()
                .get("/small", (request, response) -> response.send("Hello, World!"))
                .get("/large", (request, response) -> response.send(large))
                .build());
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop(Duration.ofSeconds(5));
    }

    static Stream<Arguments> clients() {
        return Stream.of(
                Arguments.of("wisp", (Callable<LoadClient>) WispLoadClient::new),
                Arguments.of("okhttp", (Callable<LoadClient>) OkHttpLoadClient::new),
                Arguments.of("jdk", (Callable<LoadClient>) JdkLoadClient::new),
                Arguments.of("jetty", (Callable<LoadClient>) JettyLoadClient::new),
                Arguments.of("apache", (Callable<LoadClient>) ApacheLoadClient::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clients")
    void readsWholeBodiesAndRefusesOtherStatuses(String name, Callable<LoadClient> factory) {
        String base = "http://127.0.0.1:" + server.port();
        byte[] scratch = new byte[16 * 1024];
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (LoadClient client = factory.call()) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(13, client.get(URI.create(base + "/small"), scratch), name);
                    assertEquals(LARGE_BYTES, client.get(URI.create(base + "/large"), scratch), name);
                }
                assertThrows(IOException.class, () -> client.get(URI.create(base + "/missing"), scratch), name);
            }
        });
    }
}
