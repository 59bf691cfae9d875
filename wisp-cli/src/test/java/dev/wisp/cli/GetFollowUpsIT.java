package dev.wisp.cli;

import static dev.wisp.cli.GetCommandIT.curl;
import static dev.wisp.cli.GetCommandIT.wisp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code wisp get}'s follow-up flags (redirects, auth) against Wisp's server, with curl as the reference. */
class GetFollowUpsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Server server;
    private String base;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .any("/moved", (request, response) -> response.status(303).header("Location", "/seen").send("moved"))
                .get("/loop", (request, response) -> response.status(302).header("Location", "/loop").send(""))
                .any("/seen", (request, response) -> response.send(request.method() + " "
                        + request.headers().firstOrNull("Authorization") + "\n"))
                .get("/basic", (request, response) -> {
                    if (request.headers().contains("Authorization")) {
                        response.send(request.headers().firstOrNull("Authorization") + "\n");
                    } else {
                        response.status(401).header("WWW-Authenticate", "Basic realm=\"cli\"").send("");
                    }
                })
                .build();
        server = Server.create(ServerConfig.builder().port(0).build(), router).start();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void followsRedirectsOnlyWithLocationAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals("moved", wisp(base + "/moved").text());
            assertEquals(curl("-s", "-L", "-d", "x", base + "/moved").text(),
                    wisp("-L", "-d", "x", base + "/moved").text());
            assertEquals("GET null\n", wisp("-L", "-X", "POST", base + "/moved").text(),
                    "-X sets the first method only; the 303 makes it GET");
        });
    }

    @Test
    void sendsCredentialsAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String basic = "Basic dTpwOnc=\n";
            assertEquals(basic, curl("-s", "-u", "u:p:w", base + "/basic").text());
            assertEquals(basic, wisp("--basic", "-u", "u:p:w", base + "/basic").text());
            assertEquals(basic, wisp("-u", "u:p:w", base + "/basic").text(), "answers the Basic challenge");
            assertEquals(curl("-s", "--anyauth", "-u", "u:p:w", base + "/basic").text(),
                    wisp("--anyauth", "-u", "u:p:w", base + "/basic").text());
            assertEquals(curl("-s", "--oauth2-bearer", "t0ken", base + "/basic").text(),
                    wisp("--oauth2-bearer", "t0ken", base + "/basic").text());
            assertEquals(2, wisp("-u", "nopassword", base + "/basic").exitCode());
        });
    }

    @Test
    void exitsWithCurlsCodeForTooManyRedirects() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            GetCommandIT.Run ours = wisp("-L", "--max-redirs", "3", base + "/loop");
            GetCommandIT.Run theirs = curl("-s", "-L", "--max-redirs", "3", base + "/loop");
            assertEquals(47, ours.exitCode());
            assertEquals(theirs.exitCode(), ours.exitCode());
            assertTrue(ours.stderr().contains("more than 3 redirects"), ours.stderr());
        });
    }
}
