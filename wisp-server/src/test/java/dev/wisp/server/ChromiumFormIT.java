package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.server.forms.FormConfig;
import dev.wisp.server.forms.Forms;
import dev.wisp.server.forms.MultipartForm;
import dev.wisp.server.forms.Part;
import dev.wisp.testing.HeadlessChromium;
import dev.wisp.testing.PeerTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Headless Chromium submits a real HTML form with a file input: the page's script puts a file in the input (a
 * script may set an input's files from a DataTransfer) and submits the form, as a user's click would.
 */
// A browser that mostly starts and loads: it runs beside the other classes, on a server of its own.
@Execution(ExecutionMode.CONCURRENT)
class ChromiumFormIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String PAGE = """
            <!doctype html>
            <meta charset="utf-8">
            <form id="f" method="post" action="/submit" enctype="multipart/form-data">
              <input name="who" value="Zo\u00eb \u2603">
              <input type="file" name="upload">
            </form>
            <script>
              const bytes = new Uint8Array(100000);
              for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
              const transfer = new DataTransfer();
              transfer.items.add(new File([bytes], "r\u00e9sum\u00e9.bin", {type: "application/octet-stream"}));
              const input = document.querySelector("input[type=file]");
              input.files = transfer.files;
              document.getElementById("f").submit();
            </script>
            """;

    @TempDir
    Path directory;
    @TempDir
    Path uploads;

    @Test
    void readsAFormWithAFileChromiumSubmits() {
        assertTimeoutPreemptively(LIMIT, () -> {
            PeerTools.require("chromium");
            BlockingQueue<String> submitted = new ArrayBlockingQueue<>(4);
            FormConfig config = FormConfig.builder().memoryThresholdBytes(16 * 1024).tempDirectory(uploads).build();
            try (Server server = Server.create(TestServers.config().build(), Router.builder()
                    .get("/form.html", (request, response) -> response
                            .header("Content-Type", "text/html; charset=utf-8").send(PAGE))
                    .post("/submit", (request, response) -> {
                        MultipartForm form = Forms.multipart(request, config);
                        submitted.add(describe(form));
                        response.send("thanks\n");
                    })
                    .build()).start()) {
                try (HeadlessChromium browser = HeadlessChromium.open(directory,
                        "http://127.0.0.1:" + server.port() + "/form.html")) {
                    String description = submitted.poll(45, TimeUnit.SECONDS);
                    assertEquals("who=Zo\u00eb \u2603 | upload r\u00e9sum\u00e9.bin application/octet-stream 100000"
                            + " in a file, bytes as sent", description, () -> "chromium said: " + browser.log());
                }
            }
            try (Stream<Path> left = Files.list(uploads)) {
                assertEquals(0, left.count(), "temporary files left after the server stopped");
            }
        });
    }

    private static String describe(MultipartForm form) throws IOException {
        Part upload = form.part("upload").orElseThrow();
        byte[] bytes = upload.bytes();
        boolean asSent = bytes.length == 100_000;
        for (int i = 0; asSent && i < bytes.length; i++) {
            asSent = (bytes[i] & 0xff) == i % 251;
        }
        return "who=" + form.fields().first("who").orElse("?") + " | upload " + upload.filename().orElse("?") + " "
                + upload.head().contentType().orElse("?") + " " + upload.size()
                + (upload.isInMemory() ? " in memory" : " in a file") + (asSent ? ", bytes as sent" : ", bytes differ");
    }
}
