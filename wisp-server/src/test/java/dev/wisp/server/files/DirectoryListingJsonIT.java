package dev.wisp.server.files;

import static dev.wisp.server.files.FileServerFixture.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.files.FileServerFixture.Response;
import dev.wisp.testing.NginxConfig;
import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The listing as JSON for a client that asks for it, in the shape of nginx's {@code autoindex_format json}: compared,
 * through jq, with what nginx itself answers for the same folder.
 */
class DirectoryListingJsonIT {
    @RegisterExtension
    final FileServerFixture server = new FileServerFixture();

    @Test
    void listsAsNginxListsTheSameFolder() {
        assertTimeoutPreemptively(TIMEOUT.multipliedBy(3), () -> {
            Path folder = Files.createDirectories(server.root.resolve("shared/sub"));
            folder = folder.getParent();
            Files.writeString(folder.resolve("plain.txt"), "plain\n");
            Files.writeString(folder.resolve("say \"hi\".txt"), "quoted\n");
            // Through a file: URI, so that the name has its UTF-8 bytes whatever this JVM's locale.
            Files.writeString(Path.of(URI.create(folder.toUri() + "caf%C3%A9%20%E2%98%95.txt")), "coffee\n");
            Files.write(folder.resolve("empty.bin"), new byte[0]);
            Files.writeString(folder.resolve(".hidden"), "hidden\n");
            FileTime time = FileTime.from(Instant.parse("2026-12-05T10:00:00Z"));
            try (var entries = Files.list(folder)) {
                for (Path entry : entries.toList()) {
                    Files.setLastModifiedTime(entry, time);
                }
            }

            Response wisp = server.get("/shared/", "Accept: application/json");
            assertEquals(200, wisp.status());
            assertEquals("application/json", wisp.header("Content-Type"));
            assertEquals("Accept", wisp.header("Vary"));

            int port = PeerProcess.freePort();
            Path nginxFolder = Files.createTempDirectory("wisp-nginx-");
            Process nginx = NginxConfig.startListening(nginxFolder, port, """
                    server {
                        listen 127.0.0.1:%d;
                        root %s;
                        location / { autoindex on; autoindex_format json; }
                    }
                    """.formatted(port, server.root));
            try {
                PeerTools.Result fromNginx = PeerTools.run(Duration.ofSeconds(10), List.of(
                        PeerTools.require("curl").toString(), "-sS", "http://127.0.0.1:" + port + "/shared/"));
                assertEquals(0, fromNginx.exitCode(), fromNginx.stderr());
                assertEquals(normalized(fromNginx.stdout()), normalized(new String(wisp.body(),
                        StandardCharsets.ISO_8859_1)));
                assertTrue(normalized(fromNginx.stdout()).contains("caf\u00c3\u00a9"), "the names are there, as UTF-8");
            } finally {
                PeerTools.stop(nginx);
                PeerTools.run(Duration.ofSeconds(10), List.of("rm", "-rf", nginxFolder.toString()));
            }
        });
    }

    /** The JSON as jq writes it back, its entries sorted by name: the same for the same listing, however written. */
    private static String normalized(String json) throws Exception {
        Path file = Files.createTempFile("wisp-listing-", ".json");
        try {
            Files.writeString(file, json, StandardCharsets.ISO_8859_1);
            PeerTools.Result result = PeerTools.run(Duration.ofSeconds(10), List.of(
                    PeerTools.require("jq").toString(), "-S", "-c", "sort_by(.name)", file.toString()));
            assertEquals(0, result.exitCode(), result.stderr() + json);
            return result.stdout();
        } finally {
            Files.delete(file);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Accept: */*",
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept: application/json;q=0.5, text/html", "Accept: application/json, text/html"})
    void aBrowserCurlAndATieGetThePage(String accept) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = accept.isEmpty() ? server.get("/docs/") : server.get("/docs/", accept);
            assertEquals("text/html; charset=utf-8", response.header("Content-Type"));
            assertEquals("Accept", response.header("Vary"));
        });
    }

    @Test
    void leavesOutWhatThePageLeavesOut() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Response response = server.get("/", "Accept: application/json, text/html;q=0.9");
            assertEquals("application/json", response.header("Content-Type"));
            String json = response.text();
            assertTrue(json.startsWith("[\n{ \"name\":\"docs\", \"type\":\"directory\", \"mtime\":\""), json);
            assertTrue(json.contains("{ \"name\":\"inner-link\", \"type\":\"file\", \"mtime\":\""), json);
            assertTrue(json.contains("\"size\":12 }"), json);
            assertTrue(!json.contains("outer-") && !json.contains(".hidden") && !json.contains("\"..\""), json);
            Response head = server.request("HEAD", "/", "Accept: application/json");
            assertEquals(200, head.status());
            assertEquals(String.valueOf(json.getBytes(StandardCharsets.UTF_8).length), head.header("Content-Length"));
        });
    }
}
