package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Basic authentication in front of the routes, over raw requests (each malformed form of the credentials counted as
 * none), and with curl's {@code -u} and the JDK's {@code HttpClient} answering the challenge.
 */
class BasicAuthIT {
    private static final String CHALLENGE = "Basic realm=\"files\", charset=\"UTF-8\"";
    private static final AtomicInteger HANDLED = new AtomicInteger();
    private static Server server;

    @BeforeAll
    static void start() {
        Router router = Router.builder().get("/hello", (request, response) -> {
            HANDLED.incrementAndGet();
            response.send("hello " + BasicAuth.user(request).orElse("nobody") + "\n");
        }).build();
        BasicAuth auth = BasicAuth.builder("files").user("alice", "wonder land").user("bob", "b:c")
                .user("j\u00f6s\u00e9", "p\u00e4ssw\u00f6rd").build();
        server = Server.create(ServerConfig.builder().port(0).http2(true).build(),
                HttpService.builder(router).filter(auth).build()).start();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void aRequestWithoutCredentialsGetsTheChallengeAndNeverReachesTheRoutes() throws Exception {
        int before = HANDLED.get();
        RawResponse response = exchange("");
        assertEquals(401, response.status());
        assertEquals(CHALLENGE, response.header("WWW-Authenticate").orElseThrow());
        assertEquals("authentication required\n", response.bodyText());
        assertEquals(before, HANDLED.get());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "alice:wonder land  | 200 | hello alice",
        "bob:b:c            | 200 | hello bob",
        "j\u00f6s\u00e9:p\u00e4ssw\u00f6rd | 200 | hello j\u00f6s\u00e9",
        "alice:wonderland   | 401 | authentication required",
        "alice:             | 401 | authentication required",
        "carol:wonder land  | 401 | authentication required",
        ":wonder land       | 401 | authentication required",
        "alice              | 401 | authentication required",
    })
    void letsThroughOnlyAUsersPassword(String pair, int status, String body) throws Exception {
        String encoded = Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        RawResponse response = exchange("Authorization: Basic " + encoded + "\r\n");
        assertEquals(status, response.status(), pair);
        assertEquals(body + "\n", response.bodyText(), pair);
    }

    @Test
    void takesTheSchemeInAnyCaseAndCountsMalformedCredentialsAsNone() throws Exception {
        String alice = Base64.getEncoder().encodeToString("alice:wonder land".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, exchange("Authorization: BASIC " + alice + "\r\n").status());
        assertEquals(200, exchange("Authorization: basic   " + alice + "\r\n").status());
        for (String field : List.of("Authorization: Basic !!notbase64\r\n", "Authorization: Bearer " + alice + "\r\n",
                "Authorization: Basic\r\n", "Authorization: Basic " + alice + "\r\nAuthorization: Basic " + alice
                        + "\r\n",
                "Authorization: Basic " + Base64.getEncoder().encodeToString(new byte[] {'a', ':', (byte) 0xff})
                        + "\r\n")) {
            RawResponse response = exchange(field);
            assertEquals(401, response.status(), field);
            assertEquals(CHALLENGE, response.header("WWW-Authenticate").orElseThrow(), field);
        }
    }

    @Test
    void curlAndTheJdkClientAnswerTheChallenge() throws Exception {
        String url = "http://127.0.0.1:" + server.port() + "/hello";
        String curl = PeerTools.require("curl").toString();
        assertEquals("hello alice\n", PeerTools.run(Duration.ofSeconds(10),
                List.of(curl, "-sS", "-u", "alice:wonder land", url)).stdout());
        assertEquals("hello bob\n", PeerTools.run(Duration.ofSeconds(10),
                List.of(curl, "-sS", "--http2-prior-knowledge", "-u", "bob:b:c", url)).stdout());
        assertEquals("401", PeerTools.run(Duration.ofSeconds(10),
                List.of(curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "alice:x", url)).stdout());
        AtomicInteger asked = new AtomicInteger();
        try (HttpClient client = HttpClient.newBuilder().authenticator(new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                asked.incrementAndGet();
                assertEquals("files", getRequestingPrompt());
                return new PasswordAuthentication("alice", "wonder land".toCharArray());
            }
        }).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("hello alice\n", response.body());
            assertEquals(1, asked.get(), "asked once, after the challenge");
        }
    }

    @Test
    void aVerifierOfTheApplicationsDecidesInstead() throws Exception {
        Router router = Router.builder().get("/hello", (request, response) -> response.send("in\n")).build();
        BasicAuth auth = BasicAuth.builder("app").verifier((user, password) -> password.equals("pw-" + user))
                .build();
        try (Server app = Server.create(ServerConfig.builder().port(0).build(),
                HttpService.builder(router).filter(auth).build()).start()) {
            String good = Base64.getEncoder().encodeToString("ann:pw-ann".getBytes(StandardCharsets.UTF_8));
            String bad = Base64.getEncoder().encodeToString("ann:pw-bob".getBytes(StandardCharsets.UTF_8));
            assertEquals(200, exchange(app, "Authorization: Basic " + good + "\r\n").status());
            assertEquals(401, exchange(app, "Authorization: Basic " + bad + "\r\n").status());
        }
    }

    @Test
    void refusesARealmOrUserItCannotCarry() {
        for (String realm : List.of("a\"b", "a\\b", "a\nb")) {
            assertThrows(IllegalArgumentException.class, () -> BasicAuth.builder(realm), realm);
        }
        for (String user : List.of("", "a:b", "a\tb")) {
            assertThrows(IllegalArgumentException.class, () -> BasicAuth.builder("r").user(user, "p"), user);
        }
        assertThrows(IllegalStateException.class, () -> BasicAuth.builder("r").build());
        IllegalStateException both = assertThrows(IllegalStateException.class,
                () -> BasicAuth.builder("r").user("a", "p").verifier((u, p) -> true).build());
        assertTrue(both.getMessage().contains("one of the two"), both.getMessage());
    }

    private static RawResponse exchange(String fields) throws Exception {
        return exchange(server, fields);
    }

    private static RawResponse exchange(Server target, String fields) throws Exception {
        RawResponse[] response = new RawResponse[1];
        RawPeer.talk(target.port(), peer -> {
            peer.send("GET /hello HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n");
            response[0] = peer.readResponse();
        });
        return response[0];
    }
}
