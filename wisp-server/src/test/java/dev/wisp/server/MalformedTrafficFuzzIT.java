package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of valid requests, sent over real sockets: whatever arrives, the server answers with one of the
 * statuses it documents (never a 500, which would be a bug of ours) or closes, always within a bound; after each
 * one, a valid request on a new connection is answered 200, so no input breaks the server for the next client; and
 * no connection is left behind. The codec's own fuzz tests cover far more inputs without
 * sockets; this one covers the connection and exchange code around it.
 */
class MalformedTrafficFuzzIT {
    private static final long SEED = Long.getLong("wisp.fuzz.seed", 20261125L);
    private static final int ITERATIONS = Integer.getInteger("wisp.fuzz.socketIterations", 300);
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");
    private static final Set<Integer> DOCUMENTED = Set.of(200, 204, 400, 404, 405, 408, 413, 414, 417, 431, 501,
            505);
    private static final List<String> SEEDS = List.of(
            "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nT: 1\r\n\r\n",
            "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
            "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET http://x/hello?a=%20b HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n");
    private static final byte[] SPECIAL = " \t\r\n:;,\"\\%/?#\0\u007f\u00ff0fF-+".getBytes(StandardCharsets.ISO_8859_1);

    private static Server server;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config()
                .headerTimeout(Duration.ofMillis(200))
                .readTimeout(Duration.ofMillis(200))
                .idleTimeout(Duration.ofMillis(200))
                .maxRequestLineBytes(256)
                .maxHeaderBytes(512)
                .maxRequestBodyBytes(64), TestServers.helloAndEcho());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void answersMutatedRequestsWithDocumentedStatusesAndKeepsServing() {
        Random random = new Random(SEED);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < ITERATIONS; i++) {
                byte[] request = mutate(SEEDS.get(random.nextInt(SEEDS.size())), random);
                String received = exchange(request);
                Matcher matcher = STATUS_LINE.matcher(received);
                while (matcher.find()) {
                    int status = Integer.parseInt(matcher.group(1));
                    if (!DOCUMENTED.contains(status) && status != 100) {
                        fail("status " + status + " for input " + escape(request) + ":\n" + received);
                    }
                }
                assertServesAValidRequest("after input " + escape(request));
            }
            TestServers.awaitNoConnections(server);
        });
    }

    private static void assertServesAValidRequest(String when) throws IOException {
        try (RawPeer peer = RawPeer.connect(server.port())) {
            peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponse response = peer.readResponse();
            assertEquals(200, response.status(), when);
            assertEquals("hello\n", response.bodyText(), when);
        }
    }

    /** Sends the bytes, ends the output, and reads until the server closes; at most a few seconds. */
    private static String exchange(byte[] request) throws IOException {
        try (RawPeer peer = RawPeer.connect(server.port())) {
            try {
                peer.send(request);
                peer.shutdownOutput();
            } catch (IOException e) {
                // The server may close on the first bad bytes, before all are written; what it said is read below.
            }
            return peer.readAll();
        }
    }

    private static byte[] mutate(String seed, Random random) {
        byte[] bytes = seed.getBytes(StandardCharsets.ISO_8859_1);
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && bytes.length > 0; m++) {
            int at = random.nextInt(bytes.length);
            bytes = switch (random.nextInt(5)) {
                case 0 -> replace(bytes, at, SPECIAL[random.nextInt(SPECIAL.length)]);
                case 1 -> insert(bytes, at, SPECIAL[random.nextInt(SPECIAL.length)]);
                case 2 -> remove(bytes, at);
                case 3 -> java.util.Arrays.copyOf(bytes, at);
                default -> insert(bytes, at, (byte) random.nextInt(256));
            };
        }
        return bytes;
    }

    private static byte[] replace(byte[] bytes, int at, byte b) {
        byte[] copy = bytes.clone();
        copy[at] = b;
        return copy;
    }

    private static byte[] insert(byte[] bytes, int at, byte b) {
        byte[] copy = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, copy, 0, at);
        copy[at] = b;
        System.arraycopy(bytes, at, copy, at + 1, bytes.length - at);
        return copy;
    }

    private static byte[] remove(byte[] bytes, int at) {
        byte[] copy = new byte[bytes.length - 1];
        System.arraycopy(bytes, 0, copy, 0, at);
        System.arraycopy(bytes, at + 1, copy, at, bytes.length - at - 1);
        return copy;
    }

    private static String escape(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte value : bytes) {
            int b = value & 0xff;
            out.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return out.toString();
    }
}
