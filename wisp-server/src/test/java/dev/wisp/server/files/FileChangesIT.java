package dev.wisp.server.files;

import static dev.wisp.server.files.FileServerFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/** Files that change while they are served, with the JDK's HttpClient as the client. */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes: it mostly waits, for files to change
class FileChangesIT {
    private static final int MAX_REQUESTS = 20_000;
    private static final long MAX_NANOS = 4_000_000_000L;
    /** Asked for past MAX_NANOS if need be: a machine busy with other work made fewer than 100 in that time. */
    private static final int MIN_REQUESTS = 100;

    @RegisterExtension
    final FileServerFixture server = new FileServerFixture();

    /**
     * A file saved by rename (a new file moved over the old one, as editors and build tools save) between the
     * handler's look at it and its opening must not go out with the old version's ETag: the ETag names the size,
     * so a body of the other version's size gives it away.
     */
    @Test
    void etagAndLengthDescribeTheVersionSentWhileTheFileIsReplaced() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path file = server.root.resolve("changing.txt");
            Path temporary = server.root.resolve(".changing.tmp");
            Files.writeString(file, "a".repeat(1000));
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = Thread.ofPlatform().name("replacer").start(() -> {
                for (int i = 0; writing.get() && i < 1_000_000; i++) {
                    try {
                        Files.writeString(temporary, i % 2 == 0 ? "b".repeat(2000) : "a".repeat(1000));
                        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
            List<String> mismatches = new ArrayList<>();
            int requests = 0;
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(server.url("/changing.txt"))).build();
                long start = System.nanoTime();
                while (requests < MAX_REQUESTS
                        && (requests < MIN_REQUESTS || System.nanoTime() - start < MAX_NANOS)) {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    requests++;
                    if (response.statusCode() == 503) {
                        continue; // changed each time it was opened: no answer rather than a wrong one
                    }
                    assertEquals(200, response.statusCode());
                    String etag = response.headers().firstValue("ETag").orElseThrow();
                    String body = response.body();
                    if (!etag.startsWith("\"" + Long.toHexString(body.length()) + "-")) {
                        mismatches.add(etag + " with " + body.length() + " bytes");
                    }
                }
            } finally {
                writing.set(false);
                writer.join();
            }
            assertEquals(List.of(), mismatches, "of " + requests + " requests");
        });
    }
}
