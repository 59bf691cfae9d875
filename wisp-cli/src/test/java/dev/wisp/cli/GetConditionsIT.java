package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.files.FileHandler;
import dev.wisp.testing.NginxConfig;
import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conditional downloads as curl makes them, run side by side with curl itself: {@code -z FILE -o FILE -R} and
 * {@code --etag-save}/{@code --etag-compare} against nginx and Wisp's file handler (a file fetched once, left as it is
 * while unchanged, fetched again once changed), a server that ignores the condition, and the request fields curl
 * sends for the same dates and files.
 */
class GetConditionsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Instant FIRST_VERSION = Instant.parse("2026-01-02T03:04:05Z");

    @TempDir
    Path directory;

    @Test
    void timeConditionAndRemoteTimeFetchAFileOnlyWhenItChangedAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path site = Files.createDirectory(directory.resolve("site"));
            Path remote = site.resolve("config.json");
            forEachFileServer(site, base -> {
                version(remote, "{\"v\":1}\n", FIRST_VERSION);
                String url = base + "/config.json";
                for (String tool : List.of("wisp", "curl")) {
                    Path local = directory.resolve(tool + "-" + base.hashCode() + ".json");
                    List<String> fetch = List.of("-s", "-z", local.toString(), "-o", local.toString(), "-R",
                            "-w", "%{http_code}", url);
                    assertEquals("0 200", run(tool, fetch), tool + " " + url + ": the first time, no file yet");
                    assertEquals("{\"v\":1}\n", Files.readString(local));
                    assertEquals(FIRST_VERSION, Files.getLastModifiedTime(local).toInstant(), "-R");

                    Files.writeString(local, "edited here\n"); // a 304 must leave the file as it is
                    Files.setLastModifiedTime(local, FileTime.from(FIRST_VERSION));
                    assertEquals("0 304", run(tool, fetch), tool + " " + url + ": unchanged");
                    assertEquals("edited here\n", Files.readString(local));

                    version(remote, "{\"v\":2}\n", FIRST_VERSION.plusSeconds(60));
                    assertEquals("0 200", run(tool, fetch), tool + " " + url + ": changed");
                    assertEquals("{\"v\":2}\n", Files.readString(local));
                    assertEquals(FIRST_VERSION.plusSeconds(60), Files.getLastModifiedTime(local).toInstant());
                    version(remote, "{\"v\":1}\n", FIRST_VERSION);
                }
            });
        });
    }

    @Test
    void etagSaveAndCompareFetchAFileOnlyWhenItChangedAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path site = Files.createDirectory(directory.resolve("site"));
            Path remote = site.resolve("fw.bin");
            forEachFileServer(site, base -> {
                // Each version with its own time, as the ETags of both servers are made of the time and size.
                version(remote, "firmware 1\n", FIRST_VERSION);
                String url = base + "/fw.bin";
                List<String> etags = new ArrayList<>();
                for (String tool : List.of("wisp", "curl")) {
                    Path local = directory.resolve(tool + ".bin");
                    Path etag = directory.resolve(tool + ".etag");
                    Files.deleteIfExists(etag);
                    List<String> compare = List.of("-s", "--etag-compare", etag.toString(), "--etag-save",
                            etag.toString(), "-o", local.toString(), "-w", "%{http_code}", url);
                    assertEquals("26 ", run(tool, List.of("-s", "--etag-compare", etag.toString(), "-o",
                            local.toString(), url)), tool + ": no ETag file is a read error");
                    assertEquals("0 200", run(tool, compare), tool + ": unless it is the one to save too");
                    String saved = Files.readString(etag);
                    assertTrue(saved.matches("\"[^\"]+\"\n"), saved);
                    etags.add(saved);

                    Files.writeString(local, "kept\n");
                    assertEquals("0 304", run(tool, compare), tool + " " + url);
                    assertEquals("kept\n", Files.readString(local));
                    assertEquals(saved, Files.readString(etag));

                    version(remote, "firmware 2, longer\n", FIRST_VERSION.plusSeconds(60));
                    assertEquals("0 200", run(tool, compare), tool + " " + url);
                    assertEquals("firmware 2, longer\n", Files.readString(local));
                    assertFalse(Files.readString(etag).equals(saved), "the new version's ETag saved");
                    version(remote, "firmware 1\n", FIRST_VERSION);
                }
                assertEquals(etags.get(1), etags.get(0), "the same ETag file as curl's");
            });
        });
    }

    @Test
    void aBodyThatIsNotNewerIsDroppedAsCurlDropsItAndTheFieldsAreCurls() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            List<String> asked = new CopyOnWriteArrayList<>();
            // A server that ignores every condition, and whose document is from 2000.
            Router router = Router.builder().get("/doc", (request, response) -> {
                asked.add(request.headers().first("If-Modified-Since").map(v -> "IMS " + v)
                        .or(() -> request.headers().first("If-Unmodified-Since").map(v -> "IUS " + v))
                        .or(() -> request.headers().first("If-None-Match").map(v -> "INM " + v)).orElse("none"));
                response.header("Last-Modified", "Tue, 13 Jun 2000 12:10:00 GMT").send("old document\n");
            }).build();
            try (Server server = Server.create(ServerConfig.builder().port(0).build(), router).start()) {
                String url = "http://127.0.0.1:" + server.port() + "/doc";
                Path dated = Files.writeString(directory.resolve("dated"), "x");
                Files.setLastModifiedTime(dated, FileTime.from(Instant.parse("2011-02-03T04:05:06Z")));
                Files.writeString(directory.resolve("empty.etag"), "");
                for (String tool : List.of("wisp", "curl")) {
                    Path out = directory.resolve(tool + ".out");
                    assertEquals("0 304", run(tool, List.of("-s", "-z", "Jan 1 2020", "-o", out.toString(), "-w",
                            "%{http_code}", url)), tool + ": not newer than the date");
                    assertFalse(Files.exists(out), tool + ": nothing written");
                    assertEquals("0 200", run(tool, List.of("-s", "-z", "-Jan 1 2020", "-o", out.toString(), "-w",
                            "%{http_code}", url)), tool + ": older than the date, as -TIME asks");
                    assertEquals("old document\n", Files.readString(out));
                    assertEquals("0 200", run(tool, List.of("-s", "-z", "Jan 1 1999", "-o", "/dev/null", "-w",
                            "%{http_code}", url)));
                    for (String date : List.of("Sun, 06 Nov 1994 08:49:37 GMT", "20261205", "10 Jan 2017 08:00:00 GMT",
                            "Sat, 5 Dec 2026", dated.toString())) {
                        run(tool, List.of("-s", "-z", date, "-o", "/dev/null", url));
                    }
                    run(tool, List.of("-s", "--etag-compare", directory.resolve("empty.etag").toString(), "-o",
                            "/dev/null", url));
                    run(tool, List.of("-s", "-H", "If-Modified-Since: mine", "-z", "2020-01-01", "-o", "/dev/null",
                            url));
                }
            }
            int half = asked.size() / 2;
            assertEquals(asked.subList(half, asked.size()), asked.subList(0, half), "wisp's fields, then curl's");
            assertEquals(List.of("IMS Wed, 01 Jan 2020 00:00:00 GMT", "IUS Wed, 01 Jan 2020 00:00:00 GMT",
                    "IMS Fri, 01 Jan 1999 00:00:00 GMT", "IMS Sun, 06 Nov 1994 08:49:37 GMT",
                    "IMS Sat, 05 Dec 2026 00:00:00 GMT", "IMS Tue, 10 Jan 2017 08:00:00 GMT",
                    "IMS Sat, 05 Dec 2026 00:00:00 GMT",
                    "IMS Thu, 03 Feb 2011 04:05:06 GMT", "INM \"\"", "IMS mine"), asked.subList(0, half));
        });
    }

    @Test
    void aDateThatIsNoDateIsWarnedOfAndLeftOut() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(List.of("get", "-z", "yesterday-ish", "-o", "/dev/null", "http://127.0.0.1:9/"),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(ExitCodes.CONNECT_FAILED, exit, "the request still went");
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("wisp get: warning: -z yesterday-ish is neither"
                + " a date nor a file: no time condition"), err.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream usage = new ByteArrayOutputStream();
        assertEquals(ExitCodes.USAGE, Main.run(List.of("get", "-C", "-", "-z", "2020-01-01", "-o", "x",
                "http://127.0.0.1:9/"), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(usage, true, StandardCharsets.UTF_8)));
        assertTrue(usage.toString(StandardCharsets.UTF_8).contains("--time-cond and -C - cannot be combined"),
                usage.toString(StandardCharsets.UTF_8));
    }

    /** Something to run against one file server, given its base URL. */
    private interface ServerRun {
        void run(String base) throws Exception;
    }

    /** Runs this against nginx and then Wisp's file handler, each serving the folder. */
    private void forEachFileServer(Path site, ServerRun run) throws Exception {
        int nginxPort = PeerProcess.freePort();
        Process nginx = NginxConfig.startListening(directory.resolve("nginx"), nginxPort,
                "server { listen 127.0.0.1:%d; root %s; }".formatted(nginxPort, site));
        try (Server wisp = Server.create(ServerConfig.builder().port(0).build(),
                Router.builder().get("/*", FileHandler.of(site)).build()).start()) {
            run.run("http://127.0.0.1:" + nginxPort);
            run.run("http://127.0.0.1:" + wisp.port());
        } finally {
            nginx.destroy();
            nginx.waitFor();
        }
    }

    /** Gives the remote file this content and modification time. */
    private static void version(Path remote, String content, Instant modified) throws Exception {
        Files.writeString(remote, content);
        Files.setLastModifiedTime(remote, FileTime.from(modified));
    }

    /** Runs wisp get or curl with these arguments: its exit code and standard output, joined by a space. */
    private String run(String tool, List<String> arguments) throws Exception {
        if (tool.equals("wisp")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List<String> command = new ArrayList<>(List.of("get"));
            command.addAll(arguments);
            int exit = Main.run(command, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream()));
            return exit + " " + out.toString(StandardCharsets.UTF_8);
        }
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString()));
        command.addAll(arguments);
        PeerTools.Result result = PeerTools.run(TIMEOUT, command);
        return result.exitCode() + " " + result.stdout();
    }
}
