package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cookie jar on the wire: shared by calls and redirects, kept per host, and cookie files shared with curl. */
class CookieIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private Server server;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .get("/login", (request, response) -> response.status(302)
                        .header("Set-Cookie", "session=abc; Path=/; HttpOnly")
                        .header("Set-Cookie", "theme=dark; Path=/; Max-Age=3600")
                        .header("Location", request.queryParameter("to").orElse("/me")).send(""))
                .get("/me", (request, response) -> response.send(request.headers().firstOrNull("Cookie") + ""))
                .build();
        server = Server.create(ServerConfig.builder().port(0).build(), router).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String url(String host, String path) {
        return "http://" + host + ":" + server.port() + path;
    }

    private static List<String> sorted(String cookieHeader) {
        return java.util.Arrays.stream(cookieHeader.split("; ")).sorted().toList();
    }

    @Test
    void sendsCookiesSetOnARedirectToItsTargetAndToLaterCalls() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CookieJar jar = CookieJar.create();
            try (Client client = Client.create(ClientConfig.builder().cookieJar(jar).build())) {
                assertEquals("session=abc; theme=dark", client.send(Request.get(url("127.0.0.1", "/login"))).text());
                assertEquals("mine=1; session=abc; theme=dark", client.send(Request.builder(url("127.0.0.1", "/me"))
                        .header("Cookie", "mine=1").build()).text());
            }
            assertEquals(2, jar.cookies().size());
        });
    }

    @Test
    void keepsCookiesFromAnotherHostAfterARedirect() {
        assertTimeoutPreemptively(LIMIT, () -> {
            CookieJar jar = CookieJar.create();
            try (Client client = Client.create(ClientConfig.builder().cookieJar(jar).build())) {
                Request login = Request.builder(url("127.0.0.1", "/login?to=" + url("localhost", "/me")))
                        .header("Cookie", "mine=1").build();
                assertEquals("null", client.send(login).text(), "neither the jar's nor the caller's cookies");
                assertEquals("session=abc; theme=dark", client.send(Request.get(url("127.0.0.1", "/me"))).text());
            }
        });
    }

    @Test
    void readsCurlsCookieFileAndWritesOneCurlReads(@TempDir Path directory) {
        assertTimeoutPreemptively(LIMIT, () -> {
            String curl = PeerTools.require("curl").toString();
            Path fromCurl = directory.resolve("curl-cookies.txt");
            assertEquals(0, PeerTools.run(LIMIT, List.of(curl, "-s", "-c", fromCurl.toString(),
                    url("127.0.0.1", "/login"))).exitCode());
            try (Client client = Client.create(ClientConfig.builder().cookieJar(CookieJar.load(fromCurl)).build())) {
                assertEquals(List.of("session=abc", "theme=dark"),
                        sorted(client.send(Request.get(url("127.0.0.1", "/me"))).text()),
                        "a file keeps no creation times: cookies of one path come in file order");
            }

            CookieJar ours = CookieJar.create();
            try (Client client = Client.create(ClientConfig.builder().cookieJar(ours)
                    .redirectPolicy(RedirectPolicy.none()).build())) {
                client.send(Request.get(url("127.0.0.1", "/login"))).close();
            }
            Path fromWisp = directory.resolve("wisp-cookies.txt");
            ours.save(fromWisp);
            PeerTools.Result sent = PeerTools.run(LIMIT, List.of(curl, "-s", "-b", fromWisp.toString(),
                    url("127.0.0.1", "/me")));
            assertEquals(List.of("session=abc", "theme=dark"), sorted(sent.stdout()), "curl orders them its way");
        });
    }
}
