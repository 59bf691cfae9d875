package dev.wisp.server;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.wisp.testing.TestTransport;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Plaintext HTTP/2 servers for the scripted-peer tests (h2c with prior knowledge, whatever transport the run
 * tests), with short timeouts and the routes the cases need.
 */
final class Http2TestServers {
    /** The size of {@code GET /large}: more than the default stream window of 65,535 bytes. */
    static final int LARGE_BYTES = 100_000;

    private Http2TestServers() {
    }

    /** A plaintext HTTP/2 configuration with short timeouts, to adjust before starting. */
    static ServerConfig.Builder config() {
        return TestServers.config()
                .http2(true)
                .maxConcurrentStreams(4)
                .lingerTimeout(Duration.ofMillis(500))
                .readTimeout(Duration.ofSeconds(2))
                .writeTimeout(Duration.ofSeconds(2));
    }

    /**
     * Starts a server with these routes: {@code GET /hello} answers "hello\n", {@code POST /echo} sends the body
     * back, {@code GET /large} answers {@link #LARGE_BYTES} bytes, {@code GET /fields} sets fields HTTP/2 forbids or
     * spells in lowercase only, and a trailer, {@code GET /none} answers 204, and {@code GET /block} waits until
     * {@code release} opens (5 s at most), so that its stream stays open.
     */
    static Server start(ServerConfig.Builder config, CountDownLatch release) {
        byte[] large = new byte[LARGE_BYTES];
        return Server.create(config.port(0).build(), Router.builder()
                .get("/hello", (request, response) -> response.send("hello\n"))
                .post("/echo", (request, response) -> response.send(request.bodyBytes()))
                .get("/large", (request, response) -> response.send(large))
                .get("/fields", (request, response) -> response.header("Connection", "close")
                        .header("Keep-Alive", "timeout=5").header("Upgrade", "h2c").header("X-Mixed-Case", "v")
                        .trailer("X-Checksum", "done").send("with trailers\n"))
                .get("/none", (request, response) -> response.status(204).send())
                .get("/block", (request, response) -> {
                    try {
                        release.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    response.send("released\n");
                })
                .build()).start();
    }

    /**
     * One server for a whole test class, registered as a static {@code @RegisterExtension} field: started before
     * the first test with {@link #config()}, stopped after the last, its {@code /block} handlers released first.
     * The tests choose plaintext h2c themselves, so a run that tests TLS skips them.
     */
    static final class Shared implements BeforeAllCallback, AfterAllCallback {
        private final CountDownLatch release = new CountDownLatch(1);
        private Server server;

        Server server() {
            return server;
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            assumeFalse(TestTransport.isTls(), "these tests choose plaintext h2c, or TLS where a case needs it");
            server = start(config(), release);
        }

        @Override
        public void afterAll(ExtensionContext context) {
            release.countDown();
            if (server != null) {
                server.stop(Duration.ZERO);
            }
        }
    }
}
