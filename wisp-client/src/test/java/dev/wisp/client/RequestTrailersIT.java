package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.core.Body;
import dev.wisp.core.Headers;
import dev.wisp.core.Version;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Trailer fields after a request body: a {@link StreamingRequest}'s and a {@link Body}'s, over chunked HTTP/1.1 and
 * h2c, read by node's {@code http} and {@code http2} servers ({@code node/trailers-peer.js}) and by Wisp's.
 */
class RequestTrailersIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static PeerProcess node;
    private static int http1Port;
    private static int h2cPort;

    @BeforeAll
    static void startNode() throws Exception {
        String script = Path.of(RequestTrailersIT.class.getResource("/node/trailers-peer.js").toURI()).toString();
        node = PeerProcess.start(List.of(PeerTools.require("node").toString(), script), Map.of(), "listening on ",
                Duration.ofSeconds(20));
        String[] ports = node.output().seen().stream().filter(line -> line.startsWith("listening on ")).findFirst()
                .orElseThrow().substring("listening on ".length()).trim().split(" ");
        http1Port = Integer.parseInt(ports[0]);
        h2cPort = Integer.parseInt(ports[1]);
    }

    @AfterAll
    static void stopNode() throws InterruptedException {
        if (node != null) {
            node.close();
        }
    }

    private static Client client(boolean http2) {
        return Client.create(ClientConfig.builder().http2(http2 ? Http2Mode.PRIOR_KNOWLEDGE : Http2Mode.OFF).build());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nodeReadsTheTrailersOfAStreamedBody(boolean http2) {
        assertTimeoutPreemptively(LIMIT, () -> {
            int port = http2 ? h2cPort : http1Port;
            try (Client client = client(http2);
                    StreamingRequest upload = client.open(Request.builder("http://127.0.0.1:" + port + "/upload")
                            .method("POST").build(), -1)) {
                upload.body().write("first part, ".getBytes(StandardCharsets.UTF_8));
                upload.body().flush();
                upload.body().write("second part".getBytes(StandardCharsets.UTF_8));
                try (Response response = upload.response(Headers.of("X-Checksum", "sha256=abc", "X-Parts", "2"))) {
                    assertEquals("{\"bytes\":23,\"trailers\":{\"x-checksum\":\"sha256=abc\",\"x-parts\":\"2\"}}",
                            response.text());
                    assertEquals(http2 ? Version.HTTP_2 : Version.HTTP_1_1,
                            response.version());
                }
            }
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aBodyGivesItsTrailersOnceWrittenToWispsServer(boolean http2) {
        assertTimeoutPreemptively(LIMIT, () -> {
            Router router = Router.builder().post("/upload", (request, response) -> {
                byte[] body = request.bodyBytes();
                response.send(body.length + " " + request.trailers().firstOrNull("X-Sum") + "\n");
            }).build();
            int[] sum = {0};
            Body summed = new Body() {
                @Override
                public long length() {
                    return -1;
                }

                @Override
                public void writeTo(OutputStream out) throws IOException {
                    for (int i = 1; i <= 4; i++) {
                        out.write(new byte[i * 1000]);
                        sum[0] += i * 1000;
                    }
                }

                @Override
                public Headers trailers() {
                    return Headers.of("X-Sum", Integer.toString(sum[0])); // known once the content went out
                }
            };
            try (Server server = Server.create(ServerConfig.builder().port(0).http2(true).build(), router).start();
                    Client client = client(http2);
                    Response response = client.send(Request.builder("http://127.0.0.1:" + server.port() + "/upload")
                            .method("POST").body(summed).build())) {
                assertEquals("10000 10000\n", response.text());
            }
        });
    }

    @Test
    void aBodyOfAnnouncedLengthOverHttp1HasNoPlaceForThem() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = client(false);
                    StreamingRequest upload = client.open(Request.builder("http://127.0.0.1:" + http1Port + "/u")
                            .method("PUT").build(), 3)) {
                upload.body().write(new byte[3]);
                assertThrows(IllegalStateException.class, () -> upload.response(Headers.of("X-A", "1")));
                try (Response response = upload.response()) {
                    assertEquals("{\"bytes\":3,\"trailers\":{}}", response.text(), "the request still goes whole");
                }
            }
        });
    }
}
