package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.forms.FormConfig;
import dev.wisp.server.forms.Forms;
import dev.wisp.server.forms.MultipartForm;
import dev.wisp.testing.LogCapture;
import dev.wisp.testing.SmallDisk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads spilled to a disk that fills up, on a file system of 256 KiB mounted for the test: the upload that finds
 * no room gets 507 and leaves no file behind, the server keeps serving, the operator is told once, and uploads
 * succeed again once there is room. A temporary directory that is missing is a misconfiguration, the server's
 * 500, not a 507.
 */
class UploadDiskFullIT {
    /** Where the forms tell the operator ({@code System.Logger} goes to java.util.logging by default). */
    private static final String FORMS_LOGGER = "dev.wisp.server.forms.Forms";

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    private static final int THRESHOLD = 4 * 1024;

    @TempDir
    Path scratch;

    @Test
    void anUploadThatFindsTheDiskFullGets507AndUploadsWorkAgainOnceThereIsRoom() {
        assertTimeoutPreemptively(RUN_TIMEOUT, () -> {
            try (SmallDisk disk = SmallDisk.mount(scratch, 256)) {
                Path uploads = Files.createDirectory(disk.path().resolve("uploads"));
                LogCapture formsLog = LogCapture.of(FORMS_LOGGER);
                List<LogRecord> told = formsLog.records();
                FormConfig forms = FormConfig.builder().memoryThresholdBytes(THRESHOLD).tempDirectory(uploads)
                        .build();
                ConnectionEvents events = new ConnectionEvents();
                Server server = Server.create(TestServers.config().connectionListener(events).build(),
                        Router.builder()
                                .post("/upload", (request, response) -> {
                                    MultipartForm form = Forms.multipart(request, forms);
                                    response.send(form.parts().getFirst().size() + " bytes\n");
                                })
                                .get("/hello", (request, response) -> response.send("hello\n"))
                                .build()).start();
                try {
                    Path small = randomFile("small.bin", 64 * 1024);
                    Path large = randomFile("large.bin", 1024 * 1024);
                    String url = "http://127.0.0.1:" + server.port();

                    assertEquals("65536 bytes\n200\n", upload(url, small), "room enough");

                    String full = upload(url, large);
                    assertTrue(full.endsWith("\n507\n"), full);
                    events.awaitClosed();
                    assertEquals(List.of(), list(uploads), "the part written until the disk was full is gone");
                    assertEquals("hello\n", TestCurl.run(url + "/hello").stdout(), "the server serves on");

                    Path filler = disk.fill("filler");
                    String noRoom = upload(url, small);
                    assertTrue(noRoom.endsWith("\n507\n"), noRoom);
                    Files.delete(filler);
                    assertEquals("65536 bytes\n200\n", upload(url, small), "room again");

                    assertEquals(List.of(Level.WARNING, Level.INFO), told.stream().map(LogRecord::getLevel).toList(),
                            "told once that uploads cannot be stored, once that they are again");
                    assertTrue(told.getFirst().getMessage().contains("No space left on device"),
                            told.getFirst().getMessage());
                } finally {
                    formsLog.close();
                    server.stop(Duration.ZERO);
                }
            }
        });
    }

    @Test
    void aTemporaryDirectoryThatIsMissingIsTheServersFault500() {
        assertTimeoutPreemptively(RUN_TIMEOUT, () -> {
            FormConfig forms = FormConfig.builder().memoryThresholdBytes(THRESHOLD)
                    .tempDirectory(scratch.resolve("missing")).build();
            Server server = Server.create(TestServers.config().build(), Router.builder()
                    .post("/upload", (request, response) -> response.send(Forms.multipart(request, forms).parts()
                            .size() + " parts\n"))
                    .build()).start();
            try {
                String answer = upload("http://127.0.0.1:" + server.port(), randomFile("small.bin", 64 * 1024));
                assertTrue(answer.endsWith("\n500\n"), answer);
            } finally {
                server.stop(Duration.ZERO);
            }
        });
    }

    /** Uploads the file as a form's one part; the answer, then a line with its status. */
    private static String upload(String url, Path file) throws IOException, InterruptedException {
        return TestCurl.run("-F", "f=@" + file + ";type=application/octet-stream", "-w", "%{http_code}\n",
                url + "/upload").stdout();
    }

    private Path randomFile(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(scratch.resolve(name), bytes);
    }

    private static List<Path> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }
}
