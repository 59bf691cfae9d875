package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Server;
import dev.wisp.testing.NginxConfig;
import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp serve --unix-socket}: nginx in front of it ({@code proxy_pass http://unix:...}), curl straight to the
 * socket over HTTPS, {@code wisp ws} and {@code wisp get} with {@code --unix-socket}, and the options of a TCP port
 * refused beside it.
 */
class ServeUnixSocketIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path directory;
    private final List<Server> servers = new ArrayList<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private Process nginx;

    @AfterEach
    void stop() throws Exception {
        servers.forEach(Server::close);
        if (nginx != null) {
            PeerTools.stop(nginx);
        }
    }

    private Server serve(String... options) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(directory.resolve("www").toString(), "--quiet"));
        arguments.addAll(List.of(options));
        Server server = ServeCommand.start(arguments, new PrintStream(printed, true, StandardCharsets.UTF_8));
        servers.add(server);
        return server;
    }

    @Test
    void servesNginxInFrontOverTheSocketAndRemovesItAtStop() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Files.createDirectories(directory.resolve("www"));
            Files.writeString(directory.resolve("www/page.txt"), "served over a unix socket\n");
            Path socket = directory.resolve("wisp.sock");
            Server server = serve("--plain", "--unix-socket", socket.toString());
            assertTrue(printed.toString(StandardCharsets.UTF_8).contains(" on unix:" + socket + " (curl --unix-socket "
                    + socket + " http://localhost/)\n"), printed.toString(StandardCharsets.UTF_8));
            int port = startNginx(socket);
            String base = "http://127.0.0.1:" + port;
            assertEquals("served over a unix socket\n", curl("-s", base + "/page.txt"));
            String echo = curl("-s", "-d", "hello", base + "/echo");
            assertTrue(echo.startsWith("POST /echo HTTP/1.0\n"), echo); // nginx's proxy_http_version
            assertTrue(echo.endsWith("\nhello"), echo);
            server.close();
            assertFalse(Files.exists(socket), "removed at stop");
        });
    }

    @Test
    void servesHttpsOnTheSocketByDefault() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Files.createDirectories(directory.resolve("www"));
            Files.writeString(directory.resolve("www/page.txt"), "over tls\n");
            Path socket = directory.resolve("tls.sock");
            serve("--unix-socket", socket.toString());
            String said = printed.toString(StandardCharsets.UTF_8);
            String certificate = said.substring(said.indexOf("curl --cacert ") + "curl --cacert ".length(),
                    said.indexOf(", or compare"));
            assertEquals("over tls\n2", curl("-s", "--unix-socket", socket.toString(), "--cacert", certificate,
                    "-w", "%{http_version}", "https://localhost/page.txt"));
        });
    }

    @Test
    void wispWsAndWispGetTalkOverTheSocket() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Files.createDirectories(directory.resolve("www"));
            Files.writeString(directory.resolve("www/page.txt"), "got over a unix socket\n");
            Path socket = directory.resolve("ws.sock");
            serve("--plain", "--unix-socket", socket.toString());
            assertEquals("hello\nsocket\n", printed(new WsCommand(input("hello\nsocket\n"), Map.of()),
                    "--unix-socket", socket.toString(), "ws://localhost/ws"));
            assertEquals("got over a unix socket\n", printed(new GetCommand(input(""), Map.of()), "-s",
                    "--unix-socket", socket.toString(), "http://localhost/page.txt"));
        });
    }

    @Test
    void proxiesToAnUpstreamOnAUnixSocketAsNginxWritesIt() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Files.createDirectories(directory.resolve("www"));
            Files.writeString(directory.resolve("www/page.txt"), "from the upstream's socket\n");
            Path socket = directory.resolve("upstream.sock");
            serve("--plain", "--unix-socket", socket.toString());
            Server front = serve("--plain", "--port", "0", "--proxy", "/app=http://unix:" + socket + ":");
            String base = "http://127.0.0.1:" + front.port();
            assertEquals("from the upstream's socket\n", curl("-s", base + "/app/page.txt"));
            String echo = curl("-s", base + "/app/echo");
            assertTrue(echo.startsWith("GET /echo HTTP/1.1\n"), echo);
            assertTrue(echo.contains("\nHost: localhost\n"), echo);
            assertTrue(echo.contains("\nX-Forwarded-For: 127.0.0.1\n"), echo);
            assertEquals("relayed\n", printed(new WsCommand(input("relayed\n"), Map.of()),
                    "ws://127.0.0.1:" + front.port() + "/app/ws"));
            // A base path after the socket, as nginx's proxy_pass http://unix:/path:/base takes it.
            Server based = serve("--plain", "--port", "0", "--proxy", "/files=http://unix:" + socket + ":/");
            assertEquals("from the upstream's socket\n", curl("-s", "http://127.0.0.1:" + based.port()
                    + "/files/page.txt"));
            UsageException shared = assertThrows(UsageException.class, () -> serve("--plain", "--port", "0",
                    "--proxy", "/x=http://unix:" + socket + ":,http://127.0.0.1:9"));
            assertTrue(shared.getMessage().endsWith("an upstream on a Unix domain socket is the only one of its"
                    + " prefix"), shared.getMessage());
            UsageException noSlash = assertThrows(UsageException.class, () -> serve("--plain", "--port", "0",
                    "--proxy", "/y=http://unix:" + socket + ":base"));
            assertTrue(noSlash.getMessage().contains("expected http://unix:SOCKET: or http://unix:SOCKET:/PATH"),
                    noSlash.getMessage());
        });
    }

    @Test
    void refusesTheOptionsOfATcpPortBesideIt() throws Exception {
        Files.createDirectories(directory.resolve("www"));
        for (String tcp : List.of("--port", "--bind", "--http-port")) {
            UsageException e = assertThrows(UsageException.class, () -> serve("--unix-socket",
                    directory.resolve("x.sock").toString(), tcp, tcp.equals("--bind") ? "127.0.0.1" : "0"));
            assertEquals("option --unix-socket listens instead of a port: it cannot go with " + tcp, e.getMessage());
        }
    }

    /** nginx on a free port, proxying everything to the socket. */
    private int startNginx(Path socket) throws Exception {
        int port = PeerProcess.freePort();
        nginx = NginxConfig.startListening(directory.resolve("nginx"), port, """
                server {
                    listen 127.0.0.1:%d;
                    location / { proxy_pass http://unix:%s:; }
                }
                """.formatted(port, socket));
        return port;
    }

    private static ByteArrayInputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** What a command printed on standard output, once it exited 0. */
    private static String printed(Command command, String... arguments) throws UsageException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = command.run(List.of(arguments), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "--max-time", "20"));
        command.addAll(List.of(arguments));
        return PeerTools.run(Duration.ofSeconds(30), command).stdout();
    }
}
