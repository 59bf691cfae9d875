package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerTools;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A handler that writes past the Content-Length it set, or after closing its body stream, gets the same exception over
 * both protocols, an {@link IllegalStateException} as for any misuse of a response: over HTTP/2 it was an
 * {@code IOException}, which a handler catching the connection's failures took for the client gone.
 */
class ResponseLengthErrorsIT {
    private static final BlockingQueue<String> THROWN = new ArrayBlockingQueue<>(8);
    private static Server server;

    @BeforeAll
    static void start() {
        Router router = Router.builder()
                .get("/longer", (request, response) -> {
                    OutputStream out = response.setHeader("Content-Length", "5").outputStream();
                    record(() -> out.write(new byte[15]));
                })
                .get("/after-close", (request, response) -> {
                    OutputStream out = response.outputStream();
                    out.write(new byte[3]);
                    out.close();
                    record(() -> out.write(new byte[3]));
                })
                .build();
        server = Server.create(ServerConfig.builder().port(0).http2(true).build(), router).start();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    private interface Write {
        void run() throws IOException;
    }

    private static void record(Write write) throws IOException {
        try {
            write.run();
            THROWN.add("nothing");
        } catch (IOException | RuntimeException e) {
            THROWN.add(e.getClass().getSimpleName() + ": " + e.getMessage());
            throw e;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--http1.1", "--http2-prior-knowledge"})
    void tellsTheHandlersMistakeAlikeOverBothProtocols(String protocol) throws Exception {
        String curl = PeerTools.require("curl").toString();
        for (String path : List.of("/longer", "/after-close")) {
            PeerTools.run(Duration.ofSeconds(30), List.of(curl, "-s", "-o", "/dev/null", protocol,
                    "http://127.0.0.1:" + server.port() + path));
            String thrown = THROWN.poll(10, TimeUnit.SECONDS);
            if (path.equals("/longer")) {
                assertEquals("IllegalStateException: body exceeds its Content-Length of 5 bytes", thrown, protocol);
            } else {
                assertTrue(thrown != null && thrown.startsWith("IllegalStateException: "), protocol + ": " + thrown);
            }
        }
    }
}
