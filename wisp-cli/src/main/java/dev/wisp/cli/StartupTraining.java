package dev.wisp.cli;

import dev.wisp.server.Server;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run of {@code bin/wisp}'s startup cache: what the commands do on a typical day, in one process, so
 * that the JVM (JDK 25's {@code -XX:AOTCacheOutput}) records the classes they load, linked, with the profiles of
 * their hot methods. A later {@code wisp} started with that cache ({@code -XX:AOTCache}) skips the loading and
 * linking: {@code wisp get} takes a third less time, or more
 * (the README's "Quick start").
 *
 * <p>It serves a folder of its own over HTTPS and plain HTTP on loopback ports the system picks, with a certificate
 * made in a folder of its own (not the user's), fetches from both with {@code wisp get} over HTTP/2 and HTTP/1.1,
 * talks to the WebSocket echo with {@code wisp ws}, stops, removes its folder, and exits the JVM's way, which is
 * when the JVM writes the cache. Its output goes nowhere; it exits 1 if a step failed, and the cache is then not
 * used.
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    /** Runs the training; no arguments. */
    public static void main(String[] arguments) throws IOException {
        Path folder = Files.createTempDirectory("wisp-training");
        int code;
        try {
            code = train(folder);
        } finally {
            removeAll(folder);
        }
        System.exit(code);
    }

    /** Runs every step against servers serving {@code folder}; returns 0, or 1 at the first step that failed. */
    static int train(Path folder) throws IOException {
        Path site = Files.createDirectories(folder.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<!doctype html><title>wisp</title><p>hello</p>\n");
        Files.write(site.resolve("data.bin"), new byte[64 * 1024]);
        System.setProperty(ConfigFolder.PROPERTY, folder.resolve("config").toString());
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        try (Server https = ServeCommand.start(List.of(site.toString(), "--port", "0"), quiet);
                Server plain = ServeCommand.start(List.of(site.toString(), "--plain", "--port", "0"), quiet)) {
            String secure = "https://localhost:" + https.port();
            String cleartext = "http://127.0.0.1:" + plain.port();
            String certificate = folder.resolve("config").resolve("cert.pem").toString();
            List<List<String>> commands = List.of(
                    List.of("get", "-s", "--cacert", certificate, secure + "/"),
                    List.of("get", "-s", "-I", "--http1.1", "--cacert", certificate, secure + "/data.bin"),
                    List.of("get", "-s", "-o", folder.resolve("download").toString(), cleartext + "/data.bin"),
                    List.of("get", "-s", "-v", "-d", "name=value", "-w", "%{http_code}\n", cleartext + "/echo"),
                    List.of("get", "-s", "-L", "-r", "0-99", cleartext + "/"),
                    List.of("--help"));
            for (List<String> command : commands) {
                if (Main.run(command, quiet, quiet) != ExitCodes.OK) {
                    return 1;
                }
            }
            for (String url : List.of(secure.replace("https", "wss") + "/ws",
                    cleartext.replace("http", "ws") + "/ws")) {
                WsCommand ws = new WsCommand(new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8)),
                        Map.of());
                if (ws.run(List.of("-1", "--cacert", certificate, url), quiet, quiet) != ExitCodes.OK) {
                    return 1;
                }
            }
            ProcessExit.link();
            return ExitCodes.OK;
        } catch (UsageException | UncheckedIOException e) {
            return 1;
        }
    }

    private static void removeAll(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
