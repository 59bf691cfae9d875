package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.ClosedAfterTest;
import dev.wisp.testing.PeerTools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp get -n}, {@code --netrc-file}: the login for each host from a {@code .netrc} file, curl 7.88 run on the
 * same file as the reference. The servers ask for Basic credentials and answer with the user and password they got,
 * so curl (which sends Basic at once) and Wisp (which waits for the challenge, as with {@code -u}) end on the same
 * answer.
 */
class GetNetrcIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    final ClosedAfterTest servers = new ClosedAfterTest();
    @TempDir
    private Path home;
    private int portA;
    private int portB;

    @BeforeEach
    void start() {
        portB = start(0);
        portA = start(portB);
    }

    /** A server that asks for Basic and answers with the credentials it got; /to-b redirects to the other server. */
    private int start(int redirectPort) {
        Router router = Router.builder().get("/*", (request, response) -> {
            if (request.path().equals("/to-b")) {
                response.status(302).header("Location", "http://localhost:" + redirectPort + "/x").send("");
                return;
            }
            String authorization = request.headers().firstOrNull("Authorization");
            if (authorization == null || !authorization.startsWith("Basic ")) {
                response.status(401).header("WWW-Authenticate", "Basic realm=\"netrc\"").send("no credentials\n");
                return;
            }
            byte[] pair = Base64.getDecoder().decode(authorization.substring("Basic ".length()));
            response.send(new String(pair, StandardCharsets.UTF_8) + "\n");
        }).build();
        return servers.add(Server.create(ServerConfig.builder().port(0).build(), router).start()).port();
    }

    @Test
    void takesEachHostsLoginFromTheFileAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String urlA = "http://127.0.0.1:" + portA + "/x";
            String twoHosts = "machine 127.0.0.1 login bob password one\nmachine localhost login carol password two\n";
            Object[][] cases = {
                {"bob:one", twoHosts, List.of(urlA)},
                {"carol:two", twoHosts, List.of("-L", "http://127.0.0.1:" + portA + "/to-b")},
                {"zed:pw", twoHosts, List.of("-u", "zed:pw", urlA)},
                {"bob:s e\"cret\\x", "machine 127.0.0.1\n  login bob\n  password \"s e\\\"cret\\\\x\"\n",
                    List.of(urlA)},
                {"bob:one", "# machine 127.0.0.1 login eve password x\nmachine 127.0.0.1 login bob password one\n",
                    List.of(urlA)},
                {"bob:one", "macdef init\nmachine 127.0.0.1 login mac password x\n\n"
                    + "machine 127.0.0.1 login bob password one\n", List.of(urlA)},
                {"dee:three", "machine other.test login bob password one\ndefault login dee password three\n",
                    List.of(urlA)},
                {"no credentials", "machine other.test login bob password one\n", List.of(urlA)},
                {"bob:two", "machine 127.0.0.1 login alice password one\nmachine 127.0.0.1 login bob password two\n",
                    List.of("http://bob@127.0.0.1:" + portA + "/x")},
                {"bob:one", "machine 127.0.0.1 login bob password one account acct\n", List.of(urlA)},
            };
            for (Object[] each : cases) {
                Path file = home.resolve(".netrc");
                Files.writeString(file, (String) each[1]);
                @SuppressWarnings("unchecked")
                List<String> arguments = (List<String>) each[2];
                for (List<String> flags : List.of(List.of("-n"), List.of("--netrc-file", file.toString()),
                        List.of("--netrc-optional"))) {
                    List<String> command = new ArrayList<>(flags);
                    command.addAll(arguments);
                    String what = each[1] + " " + command;
                    GetCommandIT.Run ours = wisp(command);
                    assertEquals(0, ours.exitCode(), what + ": " + ours.stderr());
                    assertEquals(each[0] + "\n", ours.text(), what);
                    assertEquals(curl(command).text(), ours.text(), what);
                }
            }
        });
    }

    @Test
    void readsNoLoginsFromAFileThatIsNotThereAndFailsOnOneThatCannotBeRead() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            List<String> missing = List.of("--netrc-file", home.resolve("missing").toString(),
                    "http://127.0.0.1:" + portA + "/x");
            GetCommandIT.Run ours = wisp(missing);
            assertEquals(0, ours.exitCode(), ours.stderr());
            assertEquals("no credentials\n", ours.text());
            assertEquals(curl(missing).text(), ours.text());
            assertEquals("no credentials\n", wisp(List.of("-n", "http://127.0.0.1:" + portA + "/x")).text());

            GetCommandIT.Run folder = wisp(List.of("--netrc-file", home.toString(), "http://127.0.0.1:" + portA));
            assertEquals(ExitCodes.READ_ERROR, folder.exitCode());
            assertTrue(folder.stderr().contains("cannot read netrc file " + home), folder.stderr());
        });
    }

    private GetCommandIT.Run wisp(List<String> arguments) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new GetCommand(new ByteArrayInputStream(new byte[0]), Map.of("HOME", home.toString()))
                .run(arguments, new PrintStream(out, true, StandardCharsets.ISO_8859_1),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new GetCommandIT.Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** curl with its HOME in the test's folder, so that -n reads the file the case wrote. */
    private GetCommandIT.Run curl(List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "-s"));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("HOME", home.toString());
        PeerTools.Result result = PeerTools.run(TIMEOUT, builder);
        return new GetCommandIT.Run(result.exitCode(), result.stdout().getBytes(StandardCharsets.ISO_8859_1),
                result.stderr());
    }
}
