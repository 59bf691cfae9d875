package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Server;
import dev.wisp.testing.PeerTools;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wisp serve --auth}: nothing served without a user's password, checked with curl's {@code -u}. */
class ServeAuthIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void asksForAPasswordBeforeServingAnything() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Files.writeString(directory.resolve("hello.txt"), "hello\n");
            try (Server server = serve("--auth", "alice:wonder land")) {
                String base = "http://127.0.0.1:" + server.port();
                String challenged = curl("-i", base + "/hello.txt");
                assertTrue(challenged.startsWith("HTTP/1.1 401"), challenged);
                assertTrue(challenged.contains("WWW-Authenticate: Basic realm=\"wisp serve\", charset=\"UTF-8\""),
                        challenged);
                assertEquals("hello\n", curl("-u", "alice:wonder land", base + "/hello.txt"));
                assertEquals("401", curl("-o", "/dev/null", "-w", "%{http_code}", "-u", "alice:wonder",
                        base + "/hello.txt"));
                for (String path : List.of("/echo", "/ws.html", "/", "/missing")) {
                    assertEquals("401", curl("-o", "/dev/null", "-w", "%{http_code}", base + path), path);
                }
                assertEquals("GET /echo HTTP/1.1", curl("-u", "alice:wonder land", base + "/echo").lines()
                        .findFirst().orElseThrow());
            }
        });
    }

    @Test
    void anotherSitesFormIsRefusedThoughTheBrowserSendsThePassword() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Server server = serve("--auth", "alice:one", "--cors", "http://app.test")) {
                String echo = "http://127.0.0.1:" + server.port() + "/echo";
                List<String> post = List.of("-o", "/dev/null", "-w", "%{http_code}", "-u", "alice:one", "-d", "x=1");
                assertEquals("403", curl(with(post, "-H", "Sec-Fetch-Site: cross-site", echo)));
                assertEquals("403", curl(with(post, "-H", "Origin: http://evil.example", echo)));
                assertEquals("200", curl(with(post, "-H", "Sec-Fetch-Site: same-origin", echo)));
                assertEquals("200", curl(with(post, "-H", "Origin: http://app.test", "-H", "Sec-Fetch-Site: cross-site",
                        echo)), "an origin --cors lets in");
                assertEquals("200", curl(with(post, echo)), "no browser");
            }
            try (Server server = serve("--auth", "alice:one", "--cors", "*")) {
                assertEquals("200", curl("-o", "/dev/null", "-w", "%{http_code}", "-u", "alice:one", "-d", "x=1",
                        "-H", "Sec-Fetch-Site: cross-site", "http://127.0.0.1:" + server.port() + "/echo"),
                        "--cors '*' lets every site in");
            }
        });
    }

    private static String[] with(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void takesItsUsersFromAFile() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Files.writeString(directory.resolve("hello.txt"), "hello\n");
            Path users = Files.writeString(directory.resolve("users"), "# who may read\nalice:one\n\nbob:two:three\n");
            try (Server server = serve("--auth", "@" + users)) {
                String url = "http://127.0.0.1:" + server.port() + "/hello.txt";
                assertEquals("hello\n", curl("-u", "alice:one", url));
                assertEquals("hello\n", curl("-u", "bob:two:three", url));
                assertEquals("401", curl("-o", "/dev/null", "-w", "%{http_code}", "-u", "bob:two", url));
            }
        });
    }

    @Test
    void refusesWhatIsNoUserAndPassword() throws Exception {
        Path empty = Files.writeString(directory.resolve("empty"), "# nobody\n");
        Path noColon = Files.writeString(directory.resolve("no-colon"), "alice\n");
        for (List<String> usage : List.of(
                List.of("--auth", "alice", "option --auth needs USER:PASSWORD"),
                List.of("--auth", ":secret", "option --auth: a user name must be non-empty"),
                List.of("--auth", "@" + directory.resolve("missing"), "option --auth: cannot read"),
                List.of("--auth", "@" + empty, "holds no USER:PASSWORD line"),
                List.of("--auth", "@" + noColon, "option --auth needs USER:PASSWORD on each line of"))) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(ExitCodes.USAGE, Main.run(List.of("serve", directory.toString(), "--plain", "--port", "0",
                    usage.get(0), usage.get(1)), quiet(), new PrintStream(err, true, StandardCharsets.UTF_8)));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains(usage.get(2)),
                    err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void warnsOfPasswordsInClearTextOffLoopbackOnly() throws Exception {
        InetAddress lan = InetAddress.getByName("192.0.2.10"); // TEST-NET-1: never bound or reached here
        InetAddress loopback = InetAddress.getLoopbackAddress();
        assertTrue(ServeCommand.clearTextPasswords(true, "http", lan).orElseThrow().contains("clear text"));
        assertEquals(Optional.empty(), ServeCommand.clearTextPasswords(true, "https", lan));
        assertEquals(Optional.empty(), ServeCommand.clearTextPasswords(true, "http", loopback));
        assertEquals(Optional.empty(), ServeCommand.clearTextPasswords(false, "http", lan));
    }

    private Server serve(String... options) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(directory.toString(), "--plain", "--port", "0", "--quiet"));
        arguments.addAll(List.of(options));
        return ServeCommand.start(arguments, quiet());
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    }

    private static String curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "-s"));
        command.addAll(List.of(arguments));
        return PeerTools.run(LIMIT, command).stdout();
    }
}
