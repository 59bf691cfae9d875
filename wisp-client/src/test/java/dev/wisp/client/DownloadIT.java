package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Status;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.files.FileHandler;
import dev.wisp.testing.SmallDisk;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Client#download}: a link that drops mid-body (a relay that cuts connections) is resumed with
 * {@code Range}/{@code If-Range} until the file is whole, against nginx and Wisp's own file handler over h2c; an
 * earlier download's part is gone on from, or started over when the server's file changed; a whole part is finished
 * from a 416; a digest, a refusal, transient errors, {@code maxBytes} and a server without validators.
 */
class DownloadIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final int SIZE = 3 * 1024 * 1024;
    private static final ReconnectPolicy QUICK = ReconnectPolicy.builder().initialDelay(Duration.ofMillis(10))
            .maxDelay(Duration.ofMillis(50)).maxAttempts(5).build();
    private static final DownloadConfig CONFIG = DownloadConfig.builder().retryPolicy(QUICK).build();

    @TempDir
    Path directory;

    private static byte[] content(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private Path target() {
        return directory.resolve("firmware.bin");
    }

    private void assertNoPart() {
        assertFalse(Files.exists(directory.resolve("firmware.bin.part")), "the part is left");
        assertFalse(Files.exists(directory.resolve("firmware.bin.part.meta")), "the meta is left");
    }

    /** nginx serving the file, with a strong ETag and ranges. */
    private NginxPeer nginx(byte[] firmware) throws Exception {
        NginxPeer nginx = NginxPeer.start(Files.createDirectories(directory.resolve("nginx")));
        Files.write(nginx.root.resolve("firmware.bin"), firmware);
        return nginx;
    }

    @ParameterizedTest
    @ValueSource(strings = {"nginx", "wisp-h2c"})
    void resumesAfterTheLinkDropsUntilTheFileIsWhole(String server) {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] firmware = content(1, SIZE);
            boolean wisp = server.equals("wisp-h2c");
            Path served = Files.createDirectories(directory.resolve("served"));
            Files.write(served.resolve("firmware.bin"), firmware);
            try (AutoCloseable origin = wisp ? Server.create(ServerConfig.builder().port(0).http2(true).build(),
                            Router.builder().get("/*", FileHandler.of(served)).build()).start() : nginx(firmware);
                    CuttingRelay relay = CuttingRelay.start(wisp ? ((Server) origin).port() : ((NginxPeer) origin)
                            .port(), 1024 * 1024, 2);
                    Client client = Client.create(ClientConfig.builder()
                            .http2(wisp ? Http2Mode.PRIOR_KNOWLEDGE : Http2Mode.OFF).build())) {
                DownloadResult result = client.download(Request.get(relay.url("/firmware.bin")), target(),
                        CONFIG.toBuilder().expectedSha256(sha256(firmware)).build());
                assertArrayEquals(firmware, Files.readAllBytes(target()));
                assertEquals(new DownloadResult(target(), SIZE, 0, SIZE, 3), result,
                        "three requests, no byte fetched twice");
                assertEquals(3, relay.connections());
                assertNoPart();
            }
        });
    }

    @Test
    void goesOnFromWhereAnEarlierDownloadStopped() {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] firmware = content(2, SIZE);
            try (NginxPeer nginx = nginx(firmware);
                    CuttingRelay relay = CuttingRelay.start(nginx.port(), 1_000_000, 1)) {
                long stopped = stopHalfway(relay);
                try (Client client = Client.create()) { // a new process, say
                    DownloadResult result = client.download(Request.get(relay.url("/firmware.bin")), target(), CONFIG);
                    assertEquals(new DownloadResult(target(), SIZE, stopped, SIZE - stopped, 1), result);
                }
                assertArrayEquals(firmware, Files.readAllBytes(target()));
                assertNoPart();
            }
        });
    }

    /** A download that gives up at the first cut, leaving its part; returns the part's size. */
    private long stopHalfway(CuttingRelay relay) throws Exception {
        DownloadConfig once = DownloadConfig.builder().retryPolicy(ReconnectPolicy.builder().maxAttempts(1).build())
                .build();
        try (Client client = Client.create()) {
            assertThrows(ConnectionClosedException.class,
                    () -> client.download(Request.get(relay.url("/firmware.bin")), target(), once));
        }
        long stopped = Files.size(directory.resolve("firmware.bin.part"));
        assertTrue(stopped > 0 && stopped <= 1_000_000, "part of " + stopped + " bytes");
        assertTrue(Files.readString(directory.resolve("firmware.bin.part.meta")).contains("validator \""),
                "nginx's ETag is kept");
        assertFalse(Files.exists(target()));
        return stopped;
    }

    @Test
    void aPartOfAnotherUrlOrWithABrokenMetaIsStartedAgain() {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] firmware = content(12, SIZE);
            try (NginxPeer nginx = nginx(firmware);
                    CuttingRelay relay = CuttingRelay.start(nginx.port(), 1_000_000, 2);
                    Client client = Client.create()) {
                stopHalfway(relay);
                DownloadResult otherUrl = client.download(Request.get(nginx.url("/firmware.bin")), target(), CONFIG);
                assertEquals(0, otherUrl.resumedFrom(), "the part was of the relay's URL");
                Files.delete(target());
                stopHalfway(relay);
                Path meta = directory.resolve("firmware.bin.part.meta");
                Files.writeString(meta, Files.readString(meta).replace("length", "size"));
                DownloadResult broken = client.download(Request.get(relay.url("/firmware.bin")), target(), CONFIG);
                assertEquals(0, broken.resumedFrom(), "a meta with a line it does not know");
                assertArrayEquals(firmware, Files.readAllBytes(target()));
                assertNoPart();
            }
        });
    }

    @Test
    void startsOverWhenTheServersFileChanged() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (NginxPeer nginx = nginx(content(3, SIZE));
                    CuttingRelay relay = CuttingRelay.start(nginx.port(), 1_000_000, 1)) {
                stopHalfway(relay);
                byte[] newer = content(4, SIZE); // the same length: only the ETag tells
                Path served = nginx.root.resolve("firmware.bin");
                Files.write(served, newer);
                Files.setLastModifiedTime(served, FileTime.from(Instant.now().plusSeconds(60)));
                try (Client client = Client.create()) {
                    DownloadResult result = client.download(Request.get(relay.url("/firmware.bin")), target(), CONFIG);
                    assertEquals(new DownloadResult(target(), SIZE, 0, SIZE, 1), result, "all of the new file");
                }
                assertArrayEquals(newer, Files.readAllBytes(target()));
                assertNoPart();
            }
        });
    }

    @Test
    void aWholePartLeftBeforeItsRenameIsFinishedFromA416() {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] firmware = content(5, SIZE);
            try (NginxPeer nginx = nginx(firmware);
                    CuttingRelay relay = CuttingRelay.start(nginx.port(), 1_000_000, 1)) {
                stopHalfway(relay);
                Files.write(directory.resolve("firmware.bin.part"), firmware); // it all came, the rename did not
                try (Client client = Client.create()) {
                    DownloadResult result = client.download(Request.get(relay.url("/firmware.bin")), target(), CONFIG);
                    assertEquals(new DownloadResult(target(), SIZE, SIZE, 0, 1), result);
                }
                assertArrayEquals(firmware, Files.readAllBytes(target()));
                assertNoPart();
            }
        });
    }

    @Test
    void aWrongDigestKeepsNothing() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (NginxPeer nginx = nginx(content(6, 100_000)); Client client = Client.create()) {
                Files.write(target(), new byte[] {1, 2, 3}); // an older version stays as it was
                DownloadFailedException failure = assertThrows(DownloadFailedException.class,
                        () -> client.download(Request.get(nginx.url("/firmware.bin")), target(),
                                CONFIG.toBuilder().expectedSha256(sha256(new byte[0])).build()));
                assertEquals(DownloadFailedException.Reason.DIGEST_MISMATCH, failure.reason());
                assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target()));
                assertNoPart();
            }
        });
    }

    @Test
    void aRefusalEndsItAndTransientAnswersAreAskedAgain() {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] firmware = content(7, 50_000);
            AtomicInteger asked = new AtomicInteger();
            Router router = Router.builder()
                    .get("/busy", (request, response) -> {
                        if (asked.incrementAndGet() <= 2) {
                            response.status(Status.SERVICE_UNAVAILABLE).setHeader("Retry-After", "0").send("later\n");
                        } else {
                            response.setHeader("ETag", "\"v1\"").send(firmware);
                        }
                    })
                    .build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), router).start();
                    Client client = Client.create()) {
                String base = "http://127.0.0.1:" + server.port();
                DownloadResult result = client.download(Request.get(base + "/busy"), target(), CONFIG);
                assertEquals(new DownloadResult(target(), firmware.length, 0, firmware.length, 3), result);
                assertArrayEquals(firmware, Files.readAllBytes(target()));
                DownloadFailedException missing = assertThrows(DownloadFailedException.class,
                        () -> client.download(Request.get(base + "/nothing"), directory.resolve("other.bin"), CONFIG));
                assertEquals(DownloadFailedException.Reason.REFUSED, missing.reason());
                assertEquals(Status.NOT_FOUND, missing.status().orElseThrow());
                assertFalse(Files.exists(directory.resolve("other.bin.part")));
                asked.set(-100); // busy for good: the policy's five attempts, then the last refusal
                DownloadFailedException busy = assertThrows(DownloadFailedException.class,
                        () -> client.download(Request.get(base + "/busy"), directory.resolve("busy.bin"), CONFIG));
                assertEquals(Status.SERVICE_UNAVAILABLE, busy.status().orElseThrow());
                assertEquals(-95, asked.get());
            }
        });
    }

    @Test
    void aFileOverMaxBytesIsRefusedWithItsLengthOrOnceItCrossesIt() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Router router = Router.builder()
                    .get("/streamed", (request, response) -> {
                        try (OutputStream out = response.outputStream()) { // chunked: no length said
                            for (int i = 0; i < 32; i++) {
                                out.write(new byte[64 * 1024]);
                            }
                        }
                    })
                    .build();
            DownloadConfig small = CONFIG.toBuilder().maxBytes(1024 * 1024).build();
            try (NginxPeer nginx = nginx(content(8, SIZE));
                    Server server = Server.create(ServerConfig.builder().port(0).build(), router).start();
                    Client client = Client.create()) {
                String streamed = "http://127.0.0.1:" + server.port() + "/streamed";
                for (String url : List.of(nginx.url("/firmware.bin"), streamed)) {
                    DownloadFailedException failure = assertThrows(DownloadFailedException.class,
                            () -> client.download(Request.get(url), target(), small));
                    assertEquals(DownloadFailedException.Reason.TOO_LARGE, failure.reason(), url);
                    assertFalse(Files.exists(target()));
                    assertNoPart();
                }
            }
        });
    }

    @Test
    void aServerThatIgnoresIfRangeIsCaughtByItsNewTag() {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] first = content(13, 200_000);
            byte[] second = content(14, 200_000);
            List<String> asked = new CopyOnWriteArrayList<>();
            Router router = Router.builder().get("/fickle.bin", (request, response) -> {
                String range = request.headers().firstOrNull("Range");
                asked.add(String.valueOf(range));
                if (asked.size() == 1) { // v1, cut halfway
                    response.setHeader("ETag", "\"v1\"").setHeader("Content-Length", String.valueOf(first.length));
                    OutputStream out = response.outputStream();
                    out.write(first, 0, 80_000);
                    out.flush();
                    throw new IOException("the link drops");
                }
                if (range != null) { // the rest of v2, whatever If-Range said
                    int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
                    response.status(Status.PARTIAL_CONTENT).setHeader("ETag", "\"v2\"")
                            .setHeader("Content-Range", "bytes " + from + "-" + (second.length - 1) + "/"
                                    + second.length)
                            .send(Arrays.copyOfRange(second, from, second.length));
                    return;
                }
                response.setHeader("ETag", "\"v2\"").send(second);
            }).build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), router).start();
                    Client client = Client.create()) {
                DownloadResult result = client.download(
                        Request.get("http://127.0.0.1:" + server.port() + "/fickle.bin"), target(), CONFIG);
                assertArrayEquals(second, Files.readAllBytes(target()), "never v1's start with v2's rest");
                assertEquals(List.of("null", "bytes=80000-", "null"), asked);
                assertEquals(3, result.requests());
            }
        });
    }

    /**
     * Answers to a resumed request that must not finish or grow the part as they say: a 416 whose length is the
     * part's while the file was longer when the part began (it shrank), a 206 whose tag is weak or missing, and a
     * 206 whose body is longer than its range, with and without a Content-Length. Each finished the download with
     * the wrong bytes before: the part taken for whole, the other version's rest appended, bytes past the range
     * appended where the next range then went on from the wrong offset.
     */
    @ParameterizedTest
    @ValueSource(strings = {"416-of-the-part", "206-weak-tag", "206-no-tag", "206-chunked-past-its-range",
        "206-length-past-its-range"})
    void aResumedAnswerThatDoesNotFitThePartNeverFinishesIt(String answer) {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] file = content(15, 200_000);
            List<String> asked = new CopyOnWriteArrayList<>();
            Router router = Router.builder().get("/odd.bin", (request, response) -> {
                String range = request.headers().firstOrNull("Range");
                asked.add(String.valueOf(range));
                response.setHeader("ETag", "\"v1\"");
                if (asked.size() == 1) { // cut at 80,000
                    response.setHeader("Content-Length", String.valueOf(file.length));
                    OutputStream out = response.outputStream();
                    out.write(file, 0, 80_000);
                    out.flush();
                    throw new IOException("the link drops");
                }
                if (range == null) {
                    response.send(file);
                    return;
                }
                int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
                response.status(Status.PARTIAL_CONTENT);
                if (asked.size() == 2) {
                    switch (answer) {
                        case "416-of-the-part" -> {
                            response.status(Status.RANGE_NOT_SATISFIABLE).removeHeader("ETag")
                                    .setHeader("Content-Range", "bytes */" + from).send();
                            return;
                        }
                        case "206-weak-tag", "206-no-tag" -> {
                            if (answer.equals("206-weak-tag")) {
                                response.setHeader("ETag", "W/\"v1\"");
                            } else {
                                response.removeHeader("ETag");
                            }
                        }
                        default -> { // 100 bytes said, 120 sent
                            response.setHeader("Content-Range", "bytes " + from + "-" + (from + 99) + "/"
                                    + file.length);
                            if (answer.equals("206-length-past-its-range")) {
                                response.setHeader("Content-Length", "120");
                            }
                            try (OutputStream out = response.outputStream()) {
                                out.write(file, from, 120);
                            }
                            return;
                        }
                    }
                }
                response.setHeader("Content-Range", "bytes " + from + "-" + (file.length - 1) + "/" + file.length)
                        .send(Arrays.copyOfRange(file, from, file.length));
            }).build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), router).start();
                    Client client = Client.create()) {
                client.download(Request.get("http://127.0.0.1:" + server.port() + "/odd.bin"), target(), CONFIG);
                assertArrayEquals(file, Files.readAllBytes(target()), String.valueOf(asked));
                List<String> expected = switch (answer) {
                    case "206-chunked-past-its-range" -> List.of("null", "bytes=80000-", "bytes=80100-");
                    case "206-length-past-its-range" -> List.of("null", "bytes=80000-", "bytes=80000-");
                    default -> List.of("null", "bytes=80000-", "null"); // started over
                };
                assertEquals(expected, asked);
                assertNoPart();
            }
        });
    }

    @Test
    void aFileWithoutValidatorsIsFetchedFromTheStartAgain() {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] firmware = content(9, 500_000);
            List<String> ranges = new CopyOnWriteArrayList<>();
            Router router = Router.builder()
                    .get("/plain.bin", (request, response) -> {
                        ranges.add(String.valueOf(request.headers().firstOrNull("Range")));
                        response.send(firmware); // no ETag, no Last-Modified
                    })
                    .build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), router).start();
                    CuttingRelay relay = CuttingRelay.start(server.port(), 100_000, 1);
                    Client client = Client.create()) {
                DownloadResult result = client.download(Request.get(relay.url("/plain.bin")), target(), CONFIG);
                assertArrayEquals(firmware, Files.readAllBytes(target()));
                assertEquals(2, result.requests());
                assertEquals(List.of("null", "null"), ranges, "a part nothing vouches for is never resumed");
                assertTrue(result.bytesReceived() > firmware.length, "the first bytes came twice");
            }
        });
    }

    @Test
    void aFullDiskStopsItAndTheNextGoesOnOnceThereIsRoom() {
        assertTimeoutPreemptively(LIMIT, () -> {
            byte[] firmware = content(10, 1024 * 1024);
            try (NginxPeer nginx = nginx(firmware); SmallDisk disk = SmallDisk.mount(directory, 1536);
                    Client client = Client.create()) {
                Path filler = disk.path().resolve("logs");
                Files.write(filler, new byte[768 * 1024]); // the disk holds the rest, not the whole file
                Path file = disk.path().resolve("firmware.bin");
                Path part = disk.path().resolve("firmware.bin.part");
                IOException full = assertThrows(IOException.class,
                        () -> client.download(Request.get(nginx.url("/firmware.bin")), file, CONFIG));
                assertFalse(full instanceof HttpCallException, "a write failure, not the network's: " + full);
                long kept = Files.size(part);
                assertTrue(kept > 0 && kept < firmware.length, kept + " bytes kept");
                Files.delete(filler);
                DownloadResult result = client.download(Request.get(nginx.url("/firmware.bin")), file, CONFIG);
                assertEquals(new DownloadResult(file, firmware.length, kept, firmware.length - kept, 1), result);
                assertArrayEquals(firmware, Files.readAllBytes(file));
                assertFalse(Files.exists(part));
            }
        });
    }

    @Test
    void oneDownloadToAFileAtATime() throws Exception {
        try (PartialDownload first = PartialDownload.open(target(), URI.create("http://x/a"))) {
            assertThrows(IllegalStateException.class,
                    () -> PartialDownload.open(target(), URI.create("http://x/a")));
            assertEquals(0, first.size());
        }
        assertNoPart();
    }
}
