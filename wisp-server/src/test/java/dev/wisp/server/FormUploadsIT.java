package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.forms.FormConfig;
import dev.wisp.server.forms.FormData;
import dev.wisp.server.forms.Forms;
import dev.wisp.server.forms.MultipartForm;
import dev.wisp.server.forms.Part;
import dev.wisp.testing.PeerTools;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forms sent by curl ({@code -F}, {@code --data-urlencode}) to a real server: uploads above the memory threshold
 * go to temporary files, and no file outlives its exchange, whether the handler returns, throws, or the client
 * goes away mid-upload.
 */
class FormUploadsIT {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(20);
    private static final int THRESHOLD = 16 * 1024;

    private final ConnectionEvents events = new ConnectionEvents();
    private Server server;

    @TempDir
    Path uploads;
    @TempDir
    Path files;

    @BeforeEach
    void start() {
        FormConfig config = FormConfig.builder().memoryThresholdBytes(THRESHOLD).tempDirectory(uploads)
                .maxFileBytes(64L * 1024 * 1024).maxMultipartBytes(64L * 1024 * 1024).build();
        // Plaintext in every run, for curl's http:// URLs.
        server = Server.create(TestServers.config()
                        .maxRequestBodyBytes(64L * 1024 * 1024)
                        .connectionListener(events)
                        .build(),
                Router.builder()
                        .post("/upload", (request, response) ->
                                response.send(describe(Forms.multipart(request, config))))
                        .post("/upload-then-fail", (request, response) -> {
                            MultipartForm form = Forms.multipart(request, config);
                            throw new IllegalStateException("failed after reading " + form.parts().size() + " parts");
                        })
                        .post("/stream", (request, response) -> {
                            StringBuilder out = new StringBuilder();
                            Forms.streamMultipart(request, config, part -> out.append(part.name()).append(' ')
                                    .append(part.filename().orElse("-")).append(' ')
                                    .append(crc(part.content())).append('\n'));
                            response.send(out + "files " + fileCount() + "\n");
                        })
                        .post("/form", (request, response) -> {
                            FormData form = Forms.urlEncoded(request);
                            response.send(form.names().stream().map(name -> name + "=" + form.all(name))
                                    .reduce("", (a, b) -> a + b + "\n"));
                        })
                        .build()).start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void keepsSmallPartsInMemorySpillsLargeOnesAndDeletesTheFilesAfterTheExchange() throws Exception {
        Path small = randomFile("small.txt", 100);
        Path large = randomFile("large.bin", 3 * 1024 * 1024);

        String answer = TestCurl.run("-F", "title=Hello wisp", "-F", "small=@" + small, "-F",
                "large=@" + large + ";type=application/octet-stream", url("/upload")).stdout();

        assertEquals("title - 10 memory " + crc("Hello wisp".getBytes()) + "\n"
                + "small small.txt 100 memory " + crc(small) + "\n"
                + "large large.bin 3145728 file " + crc(large) + "\n"
                + "files 1\n", answer);
        events.awaitClosed();
        assertEquals(List.of(), listUploads());
    }

    @Test
    void deletesTheFilesWhenTheHandlerThrows() throws Exception {
        Path large = randomFile("large.bin", 200_000);

        PeerTools.Result result = TestCurl.run("-F", "a=@" + large, "-F", "b=@" + large, "-w", "%{http_code}",
                url("/upload-then-fail"));

        assertTrue(result.stdout().endsWith("500"), result.stdout());
        events.awaitClosed();
        assertEquals(List.of(), listUploads());
    }

    @Test
    void deletesTheFilesWhenTheClientGoesAwayMidUpload() throws Exception {
        String boundary = "wispabort";
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n\r\n";
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            uploads.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            assertTimeoutPreemptively(RUN_TIMEOUT, () -> {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary="
                            + boundary + "\r\nContent-Length: 10000000\r\n\r\n" + head)
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.write(new byte[2 * THRESHOLD]);
                    out.flush();
                    assertNotNull(watcher.poll(5, TimeUnit.SECONDS), "the part was not spilled to a file");
                }
            });
        }
        events.awaitClosed();
        assertEquals(List.of(), listUploads());
    }

    @Test
    void streamsAHugeUploadPartByPartWithoutWritingAFile() throws Exception {
        Path huge = randomFile("huge.bin", 20 * 1024 * 1024);

        String answer = TestCurl.run("-F", "note=streamed", "-F", "huge=@" + huge, url("/stream")).stdout();

        assertEquals("note - " + crc("streamed".getBytes()) + "\nhuge huge.bin " + crc(huge) + "\nfiles 0\n",
                answer);
    }

    @Test
    void readsAFormCurlUrlEncodes() throws Exception {
        String answer = utf8(TestCurl.run("--data-urlencode", "q=caf\u00e9 & cr\u00e8me = 100%", "--data-urlencode",
                "tag=a+b", "-d", "tag=c", url("/form")).stdout());

        assertEquals("q=[caf\u00e9 & cr\u00e8me = 100%]\ntag=[a+b, c]\n", answer);
    }

    /** PeerTools reads output as ISO-8859-1; the server answered in UTF-8. */
    private static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private String describe(MultipartForm form) throws IOException {
        StringBuilder out = new StringBuilder();
        for (Part part : form.parts()) {
            try (InputStream in = part.inputStream()) {
                out.append(part.name()).append(' ').append(part.filename().orElse("-")).append(' ')
                        .append(part.size()).append(part.isInMemory() ? " memory " : " file ").append(crc(in))
                        .append('\n');
            }
        }
        return out + "files " + fileCount() + "\n";
    }

    private long fileCount() throws IOException {
        return listUploads().size();
    }

    private List<Path> listUploads() throws IOException {
        try (Stream<Path> list = Files.list(uploads)) {
            return list.toList();
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    private Path randomFile(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(files.resolve(name), bytes);
    }

    private static String crc(Path file) throws IOException {
        return crc(Files.readAllBytes(file));
    }

    private static String crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return Long.toHexString(crc.getValue());
    }

    private static String crc(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            crc.update(chunk, 0, n);
        }
        return Long.toHexString(crc.getValue());
    }
}
