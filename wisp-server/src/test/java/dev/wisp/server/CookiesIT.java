package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.SetCookie;
import dev.wisp.testing.PeerTools;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cookies set with {@link ServerResponse#addCookie} come back from curl's cookie jar and the JDK client. */
class CookiesIT {

    private Server server;

    @TempDir
    Path directory;

    @BeforeEach
    void start() {
        // Plaintext in every run, for http:// URLs.
        server = Server.create(TestServers.config().build(), Router.builder()
                .get("/login", (request, response) -> response
                        .addCookie(SetCookie.builder("session", "s3cr3t").path("/").httpOnly(true)
                                .sameSite(SetCookie.SameSite.LAX).build())
                        .addCookie(SetCookie.builder("theme", "dark").maxAge(Duration.ofHours(1)).path("/").build())
                        .send("welcome\n"))
                .get("/logout", (request, response) -> response
                        .addCookie(SetCookie.builder("session", "").path("/").maxAge(Duration.ZERO).build())
                        .send("bye\n"))
                .get("/whoami", (request, response) ->
                        response.send(request.cookie("session").orElse("nobody") + " "
                                + new TreeMap<>(request.cookies()) + "\n"))
                .build()).start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void roundTripsThroughCurlsCookieJarAndRemovesWithMaxAgeZero() throws Exception {
        Path jar = directory.resolve("cookies.txt");

        PeerTools.Result login = TestCurl.run("-i", "-c", jar.toString(), url("/login"));
        assertTrue(login.stdout().contains("Set-Cookie: session=s3cr3t; Path=/; HttpOnly; SameSite=Lax\r\n"),
                login.stdout());
        assertTrue(login.stdout().contains("Set-Cookie: theme=dark; Max-Age=3600; Path=/\r\n"), login.stdout());
        assertTrue(Files.readString(jar).contains("#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\ts3cr3t"),
                Files.readString(jar));

        assertEquals("s3cr3t {session=s3cr3t, theme=dark}\n",
                TestCurl.run("-b", jar.toString(), url("/whoami")).stdout());

        TestCurl.run("-b", jar.toString(), "-c", jar.toString(), url("/logout"));
        assertEquals("nobody {theme=dark}\n", TestCurl.run("-b", jar.toString(), url("/whoami")).stdout());
    }

    @Test
    void readsEveryCookieFieldAndToleratesOddPairs() throws Exception {
        PeerTools.Result result = TestCurl.run("-H", "Cookie: session=first; a=1;; junk", "-H",
                "Cookie: session=second; b=\"quoted\"", url("/whoami"));

        assertEquals("first {a=1, b=quoted, session=first}\n", result.stdout());
    }

    @Test
    void roundTripsThroughTheJdkClientsCookieManager() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build()) {
            assertEquals("welcome\n", get(client, "/login"));
            assertEquals("s3cr3t", get(client, "/whoami").split(" ")[0]);
            get(client, "/logout");
            assertEquals("nobody", get(client, "/whoami").split(" ")[0]);
        }
    }

    private String get(HttpClient client, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

}
