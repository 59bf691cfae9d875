package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against nginx, a server nobody here wrote: keep-alive, idle close after 1 s, chunked gzip (and its
 * answer to HEAD), big files.
 */
class NginxIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    @TempDir
    static Path directory;
    private static NginxPeer nginx;
    private static byte[] large;

    @BeforeAll
    static void start() throws Exception {
        nginx = NginxPeer.start(directory);
        large = WispServerIT.randomBytes(8 * 1024 * 1024 + 17);
        Files.write(nginx.root.resolve("large.bin"), large);
        Files.writeString(nginx.root.resolve("text.txt"), "line of text\n".repeat(5000));
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void keepsTheConnectionAliveAcrossRequests() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                for (int i = 0; i < 20; i++) {
                    assertEquals("hello from nginx\n", client.send(Request.get(nginx.url("/hello"))).text());
                }
                assertEquals(1, client.openConnections());
            }
        });
    }

    @Test
    void reconnectsAfterNginxClosesTheIdleConnection() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                assertEquals("hello from nginx\n", client.send(Request.get(nginx.url("/hello"))).text());
                Thread.sleep(1500); // nginx's keepalive_timeout is 1 s: the idle connection is closed by then
                Response after = client.send(Request.get(nginx.url("/hello")));
                assertEquals("hello from nginx\n", after.text());
                assertFalse(after.timing().connectionReused());
                assertEquals(1, client.openConnections());
            }
        });
    }

    @Test
    void decodesAChunkedGzipBodyAndReportsEachChunk() {
        assertTimeoutPreemptively(LIMIT, () -> {
            AtomicLong encodedBytes = new AtomicLong();
            ClientConfig config = ClientConfig.builder().eventListener(new EventListener() {
                @Override
                public void bodyChunk(Request request, int bytes) {
                    encodedBytes.addAndGet(bytes);
                }
            }).build();
            try (Client client = Client.create(config)) {
                Response raw = client.send(Request.builder(nginx.url("/text.txt"))
                        .header("Accept-Encoding", "gzip").build());
                assertEquals("chunked", raw.headers().firstOrNull("Transfer-Encoding"));
                raw.bytes();
                Response decoded = client.send(Request.builder(nginx.url("/text.txt")).decompress(true).build());
                assertEquals("line of text\n".repeat(5000), decoded.text());
                assertTrue(encodedBytes.get() < 65000 / 4, "gzip should shrink the text: " + encodedBytes);
                assertEquals(1, client.openConnections());
            }
        });
    }

    @Test
    void leavesTheAnswerToAHeadThatAskedForDecodingAsItCame() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                Response head = client.send(Request.builder(nginx.url("/text.txt")).method("HEAD").decompress(true)
                        .build());
                assertEquals(200, head.statusCode());
                assertEquals("gzip", head.headers().firstOrNull("Content-Encoding"));
                assertEquals(0, head.bytes().length);
                Response get = client.send(Request.builder(nginx.url("/text.txt")).decompress(true).build());
                assertEquals("line of text\n".repeat(5000), get.text());
                assertTrue(get.timing().connectionReused());
            }
        });
    }

    @Test
    void downloadsALargeFileByteForByte(@TempDir Path target) {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                Path file = target.resolve("large.bin");
                assertEquals(large.length, client.send(Request.get(nginx.url("/large.bin"))).toFile(file));
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                assertArrayEquals(sha.digest(large), sha.digest(Files.readAllBytes(file)));
                Response head = client.send(Request.builder(nginx.url("/large.bin")).method("HEAD").build());
                assertEquals(Long.toString(large.length), head.headers().firstOrNull("Content-Length"));
                assertEquals(404, client.send(Request.get(nginx.url("/missing"))).statusCode());
            }
        });
    }
}
