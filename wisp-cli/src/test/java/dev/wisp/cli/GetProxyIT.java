package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.ClosedAfterTest;
import dev.wisp.testing.PeerTools;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code wisp get}'s proxy as curl chooses it: from the options, else from the environment ({@code http_proxy},
 * {@code https_proxy}, {@code all_proxy}, {@code no_proxy} and their upper-case forms), with curl run in the same
 * environment as the reference. The proxies are Wisp servers that answer every request with what they were sent.
 */
class GetProxyIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    final ClosedAfterTest servers = new ClosedAfterTest();
    private String proxyA;
    private String proxyB;
    private int originPort;

    @BeforeEach
    void start() {
        proxyA = "127.0.0.1:" + start("A");
        proxyB = "127.0.0.1:" + start("B");
        originPort = start("origin");
    }

    /** A server that answers any request with its name and the request line; returns its port. */
    private int start(String name) {
        Router router = Router.builder().any("/*", (request, response) -> {
            String line = request.method() + " " + request.target().raw();
            if (request.target().raw().equals("/to-https")) {
                response.status(302).header("Location", "https://localhost:" + originPort + "/x").send("");
                return;
            }
            response.send(name + " saw " + line + "\n");
        }).build();
        return servers.add(Server.create(ServerConfig.builder().port(0).build(), router).start()).port();
    }

    @Test
    void takesTheProxyOfTheEnvironmentAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String url = "http://127.0.0.1:" + originPort + "/x";
            String direct = "origin saw GET /x\n";
            String throughA = "A saw GET " + url + "\n";
            String throughB = "B saw GET " + url + "\n";
            Object[][] cases = {
                {throughA, Map.of("http_proxy", proxyA), List.of()},
                {direct, Map.of("HTTP_PROXY", proxyA), List.of()},
                {direct, Map.of("HTTPS_PROXY", proxyA, "https_proxy", proxyB), List.of()},
                {throughA, Map.of("http_proxy", "", "ALL_PROXY", proxyA), List.of()},
                {throughB, Map.of("all_proxy", proxyB, "ALL_PROXY", proxyA), List.of()},
                {throughB, Map.of("http_proxy", proxyA), List.of("-x", proxyB)},
                {direct, Map.of("http_proxy", proxyA), List.of("-x", "")},
                {direct, Map.of("http_proxy", proxyA, "NO_PROXY", "127.0.0.1"), List.of()},
                {direct, Map.of("NO_PROXY", "other.test 127.0.0.1"), List.of("-x", proxyA)},
                {throughA, Map.of("http_proxy", proxyA, "no_proxy", "other.test", "NO_PROXY", "127.0.0.1"),
                    List.of()},
                {throughA, Map.of("http_proxy", proxyA, "NO_PROXY", "127.0.0.1"), List.of("--noproxy", "")},
                {throughA, Map.of("http_proxy", proxyA, "NO_PROXY", "other.test,*"), List.of()},
                {direct, Map.of("http_proxy", proxyA, "NO_PROXY", "*"), List.of()},
                {throughA, Map.of("http_proxy", proxyA, "NO_PROXY", "0.0.1"), List.of()},
                // CIDR ranges (curl 7.86 and later), for an address host.
                {direct, Map.of("http_proxy", proxyA, "NO_PROXY", "127.0.0.0/8"), List.of()},
                {direct, Map.of("NO_PROXY", "10.0.0.0/8, 127.0.0.0/24"), List.of("-x", proxyA)},
                {throughA, Map.of("http_proxy", proxyA, "NO_PROXY", "127.0.0.2/32,127.0.1.0/24"), List.of()},
                {direct, Map.of("http_proxy", proxyA), List.of("--noproxy", "127.0.0.0/8")},
                {throughA, Map.of("http_proxy", proxyA, "NO_PROXY", "127.0.0.1/33"), List.of()},
                {direct, Map.of("https_proxy", "ftp://127.0.0.1:1"), List.of()},
                // A variable that names no proxy is not read for a host the proxy is bypassed for.
                {direct, Map.of("http_proxy", "ftp://127.0.0.1:1", "no_proxy", "127.0.0.1"), List.of()},
                {direct, Map.of("http_proxy", "ftp://127.0.0.1:1"), List.of("--noproxy", "127.0.0.1")},
            };
            for (Object[] each : cases) {
                @SuppressWarnings("unchecked")
                Map<String, String> environment = (Map<String, String>) each[1];
                @SuppressWarnings("unchecked")
                List<String> arguments = new ArrayList<>((List<String>) each[2]);
                arguments.add(url);
                String what = environment + " " + arguments;
                GetCommandIT.Run ours = wisp(environment, arguments);
                assertEquals(0, ours.exitCode(), what + ": " + ours.stderr());
                assertEquals(each[0], ours.text(), what);
                assertEquals(curl(environment, arguments).text(), ours.text(), what);
            }
        });
    }

    @Test
    void choosesTheProxyOfEachHopsSchemeAndRefusesAVariableThatNamesNoProxyAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ServerSocket tunnels = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
                // A proxy that refuses every CONNECT, noting it: no origin is reached through it.
                List<String> seen = new CopyOnWriteArrayList<>();
                Thread.ofVirtual().start(() -> refuseEach(tunnels, seen));
                // Direct to 127.0.0.1, then redirected to https://localhost, which goes through https_proxy's tunnel.
                Map<String, String> environment = Map.of("https_proxy", "127.0.0.1:" + tunnels.getLocalPort(),
                        "http_proxy", proxyB, "no_proxy", "127.0.0.1");
                List<String> arguments = List.of("-L", "http://127.0.0.1:" + originPort + "/to-https");
                GetCommandIT.Run ours = wisp(environment, arguments);
                assertEquals(56, ours.exitCode(), ours.stderr());
                assertEquals(curl(environment, arguments).exitCode(), ours.exitCode());
                String connect = "CONNECT localhost:" + originPort + " HTTP/1.1";
                assertEquals(List.of(connect, connect), seen);
                // https_proxy before HTTPS_PROXY, and HTTPS_PROXY alone, as curl reads them: the refusing proxy is
                // asked each time, the other never (Wisp servers would answer CONNECT otherwise).
                String refusing = "127.0.0.1:" + tunnels.getLocalPort();
                List<String> https = List.of("https://localhost:" + originPort + "/x");
                for (Map<String, String> variables : List.of(Map.of("https_proxy", refusing, "HTTPS_PROXY", proxyB),
                        Map.of("HTTPS_PROXY", refusing, "all_proxy", proxyB))) {
                    seen.clear();
                    GetCommandIT.Run through = wisp(variables, https);
                    assertEquals(56, through.exitCode(), variables + ": " + through.stderr());
                    assertEquals(curl(variables, https).exitCode(), through.exitCode(), variables.toString());
                    assertEquals(List.of(connect, connect), seen, variables.toString());
                }
                // -w's http_connect is the refusal's status, as curl's.
                List<String> written = List.of("-w", "%{http_connect} %{http_code}", https.getFirst());
                Map<String, String> refusingProxy = Map.of("https_proxy", refusing);
                assertEquals("502 000", wisp(refusingProxy, written).text());
                assertEquals(curl(refusingProxy, written).text(), wisp(refusingProxy, written).text());
            }
            List<String> toOrigin = List.of("http://127.0.0.1:" + originPort + "/x");
            Map<String, String> unknownScheme = Map.of("http_proxy", "ftp://" + proxyA);
            GetCommandIT.Run refused = wisp(unknownScheme, toOrigin);
            assertEquals(7, refused.exitCode(), refused.stderr());
            assertEquals(curl(unknownScheme, toOrigin).exitCode(), refused.exitCode());
            assertTrue(refused.stderr().startsWith("wisp get: environment variable http_proxy: proxy URL must be"),
                    refused.stderr());
            // The message names the variable as it was set, upper case too.
            Object[][] upperCase = {
                {"ALL_PROXY", toOrigin},
                {"HTTPS_PROXY", List.of("https://localhost:" + originPort + "/x")},
            };
            for (Object[] each : upperCase) {
                Map<String, String> environment = Map.of((String) each[0], "ftp://" + proxyA);
                @SuppressWarnings("unchecked")
                List<String> arguments = (List<String>) each[1];
                GetCommandIT.Run ours = wisp(environment, arguments);
                assertEquals(7, ours.exitCode(), ours.stderr());
                assertEquals(curl(environment, arguments).exitCode(), ours.exitCode());
                assertTrue(ours.stderr().startsWith("wisp get: environment variable " + each[0]
                        + ": proxy URL must be"), ours.stderr());
            }
        });
    }

    /** Reads each connection's request line and answers 502. */
    private static void refuseEach(ServerSocket listener, List<String> seen) {
        while (true) {
            try (Socket socket = listener.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.ISO_8859_1));
                seen.add(in.readLine());
                String line;
                do {
                    line = in.readLine(); // the rest of the head
                } while (line != null && !line.isEmpty());
                socket.getOutputStream().write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                return; // the listener closed: the test is over
            }
        }
    }

    static GetCommandIT.Run wisp(Map<String, String> environment, List<String> arguments) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new GetCommand(new ByteArrayInputStream(new byte[0]), environment).run(arguments,
                new PrintStream(out, true, StandardCharsets.ISO_8859_1),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new GetCommandIT.Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** curl with these variables alone for its proxies: those of this process's environment are taken away. */
    static GetCommandIT.Run curl(Map<String, String> environment, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "-s"));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> variables = builder.environment();
        variables.keySet().removeIf(name -> name.toLowerCase(Locale.ROOT).endsWith("_proxy"));
        variables.putAll(new HashMap<>(environment));
        PeerTools.Result result = PeerTools.run(TIMEOUT, builder);
        return new GetCommandIT.Run(result.exitCode(), result.stdout().getBytes(StandardCharsets.ISO_8859_1),
                result.stderr());
    }
}
