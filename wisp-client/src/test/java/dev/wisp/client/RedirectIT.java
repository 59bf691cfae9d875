package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.ResponseHead;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redirects against Wisp's own server: RFC 9110's method rules, the limit, no-follow, cross-origin stripping. */
class RedirectIT {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private Server server;
    private Server other;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .any("/redirect", RedirectIT::redirect)
                .get("/loop", (request, response) -> {
                    response.status(302).header("Location", "/loop").send("again");
                })
                .any("/echo", RedirectIT::echo)
                .build();
        server = Server.create(ServerConfig.builder().port(0).build(), router).start();
        other = Server.create(ServerConfig.builder().port(0).build(), router).start();
    }

    @AfterEach
    void stop() {
        server.close();
        other.close();
    }

    /** {@code /redirect?status=307&to=URL}: answers with that status and Location. */
    private static void redirect(ServerRequest request, ServerResponse response) throws IOException {
        request.bodyBytes();
        response.status(Integer.parseInt(request.queryParameter("status").orElse("302")))
                .header("Location", request.queryParameter("to").orElse("/echo")).send("moved");
    }

    /** Answers with what it received: method, the fields a redirect may strip, and the body. */
    private static void echo(ServerRequest request, ServerResponse response) throws IOException {
        response.header("X-Method", request.method().name())
                .header("X-Authorization", request.headers().firstOrNull("Authorization") + "")
                .header("X-Cookie", request.headers().firstOrNull("Cookie") + "")
                .header("X-Content-Type", request.headers().firstOrNull("Content-Type") + "")
                .send(request.bodyBytes());
    }

    private String url(Server target, String path) {
        return "http://127.0.0.1:" + target.port() + path;
    }

    private Request.Builder post(String status) {
        return Request.builder(url(server, "/redirect?status=" + status)).method("POST")
                .header("Content-Type", "text/plain").body("payload");
    }

    @Test
    void followsEachStatusWithTheMethodRfc9110Gives() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                for (String status : List.of("303", "301", "302")) {
                    Response response = client.send(post(status).build());
                    assertEquals(200, response.statusCode(), status);
                    assertEquals("GET", response.headers().firstOrNull("X-Method"), status);
                    assertEquals("null", response.headers().firstOrNull("X-Content-Type"), status);
                    assertEquals("", response.text(), status);
                    assertEquals("/echo", response.request().uri().getPath());
                }
                for (String status : List.of("307", "308")) {
                    Response response = client.send(post(status).build());
                    assertEquals("POST", response.headers().firstOrNull("X-Method"), status);
                    assertEquals("text/plain", response.headers().firstOrNull("X-Content-Type"), status);
                    assertEquals("payload", response.text(), status);
                }
                Response put = client.send(post("301").method("PUT").build());
                assertEquals("PUT", put.headers().firstOrNull("X-Method"), "only POST becomes GET on a 301");
                assertEquals("payload", put.text());
                Response head = client.send(Request.builder(url(server, "/redirect?status=303")).method("HEAD")
                        .build());
                assertEquals("HEAD", head.headers().firstOrNull("X-Method"), "a 303 keeps HEAD");
                head.close();
                assertEquals(1, client.openConnections(), "the redirects' bodies were drained, one connection");
            }
        });
    }

    @Test
    void reportsEachHopAsAnEvent() {
        assertTimeoutPreemptively(LIMIT, () -> {
            List<String> hops = new CopyOnWriteArrayList<>();
            ClientConfig config = ClientConfig.builder().eventListener(new EventListener() {
                @Override
                public void redirected(Request request, ResponseHead response, Request next) {
                    hops.add(response.status().code() + " " + request.uri().getPath() + " -> " + next);
                }
            }).build();
            try (Client client = Client.create(config)) {
                Response response = client.send(Request.get(url(server, "/redirect?status=301&to="
                        + "/redirect%3Fstatus%3D303")));
                assertEquals(200, response.statusCode());
                response.close();
            }
            assertEquals(List.of("301 /redirect -> GET " + url(server, "/redirect?status=303"),
                    "303 /redirect -> GET " + url(server, "/echo")), hops);
        });
    }

    @Test
    void failsClearlyPastTheLimitAndFollowsNothingWhenAskedNotTo() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                TooManyRedirectsException e = assertThrows(TooManyRedirectsException.class,
                        () -> client.send(Request.get(url(server, "/loop"))));
                assertEquals("more than 10 redirects (maxRedirects); the last, 302, to " + url(server, "/loop"),
                        e.getMessage());
            }
            ClientConfig three = ClientConfig.builder().redirectPolicy(RedirectPolicy.follow().withMaxRedirects(3))
                    .build();
            try (Client client = Client.create(three)) {
                assertTrue(assertThrows(TooManyRedirectsException.class,
                        () -> client.send(Request.get(url(server, "/loop")))).getMessage().startsWith("more than 3"));
            }
            ClientConfig none = ClientConfig.builder().redirectPolicy(RedirectPolicy.none()).build();
            try (Client client = Client.create(none)) {
                Response response = client.send(Request.get(url(server, "/loop")));
                assertEquals(302, response.statusCode());
                assertEquals("again", response.text());
            }
        });
    }

    /** A Location of another scheme is refused for its scheme, with or without a host, never taken as malformed. */
    @Test
    void refusesARedirectToAnotherSchemeForItsScheme() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                for (String to : List.of("file:///etc/passwd", "mailto:a@example.com", "javascript:alert(1)",
                        "data:text/plain,hi", "ftp://127.0.0.1/file")) {
                    String from = url(server, "/redirect?status=302&to=" + java.net.URLEncoder.encode(to,
                            StandardCharsets.UTF_8));
                    RedirectRefusedException e = assertThrows(RedirectRefusedException.class,
                            () -> client.send(Request.get(from)), to);
                    String scheme = to.substring(0, to.indexOf(':'));
                    assertEquals("redirect from " + from + " to a " + scheme + ": URI; only http and https are"
                            + " followed", e.getMessage());
                }
            }
        });
    }

    @Test
    void keepsA307WhoseBodyCannotBeSentAgain() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                byte[] body = "streamed".getBytes(StandardCharsets.US_ASCII);
                Response response = client.send(post("307").body(new ByteArrayInputStream(body), body.length)
                        .build());
                assertEquals(307, response.statusCode());
                assertEquals("moved", response.text());
            }
        });
    }

    @Test
    void dropsCredentialsAndCookiesForAnotherOriginOnly() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                Request same = Request.builder(url(server, "/redirect?to=/echo"))
                        .credentials(Credentials.basic("user", "secret")).header("Cookie", "a=1").build();
                Response kept = client.send(same);
                assertEquals(Credentials.basic("user", "secret").basicAuthorization(),
                        kept.headers().firstOrNull("X-Authorization"));
                assertEquals("a=1", kept.headers().firstOrNull("X-Cookie"));
                kept.close();

                Request cross = same.toBuilder().uri(java.net.URI.create(url(server, "/redirect?to="
                        + url(other, "/echo")))).header("Authorization", "Bearer set-by-hand").build();
                Response dropped = client.send(cross);
                assertEquals(other.port(), dropped.request().uri().getPort());
                assertEquals("null", dropped.headers().firstOrNull("X-Authorization"));
                assertEquals("null", dropped.headers().firstOrNull("X-Cookie"));
                assertTrue(dropped.request().credentials().isEmpty());
                dropped.close();
            }
        });
    }

    @Test
    void followsOnAnExplicitConnectionOnlyWithinItsOrigin() {
        assertTimeoutPreemptively(LIMIT, () -> {
            List<String> hops = new CopyOnWriteArrayList<>();
            ClientConfig config = ClientConfig.builder().eventListener(new EventListener() {
                @Override
                public void redirected(Request request, ResponseHead response, Request next) {
                    hops.add(next.toString());
                }
            }).build();
            try (ClientConnection connection = ClientConnection.connect(Origin.plaintext("127.0.0.1",
                    server.port()), config)) {
                Response same = connection.send(Request.get(url(server, "/redirect?to=/echo")));
                assertEquals(200, same.statusCode());
                same.close();
                Response other = connection.send(Request.get(url(server, "/redirect?to=" + url(this.other, "/echo"))));
                assertEquals(302, other.statusCode(), "another origin needs another connection: the 302 is the answer");
                other.close();
            }
            assertEquals(List.of("GET " + url(server, "/echo")), hops, "no event for the redirect not followed");
        });
    }

    @Test
    void takesUserInfoAsBasicCredentialsAndNeverShowsIt() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create(ClientConfig.builder().redirectPolicy(RedirectPolicy.none()).build())) {
                Request request = Request.get("http://us%40er:p%3Ass@127.0.0.1:" + server.port() + "/echo#part");
                assertEquals("GET " + url(server, "/echo"), request.toString());
                Response response = client.send(request);
                assertEquals(Credentials.basic("us@er", "p:ss").basicAuthorization(),
                        response.headers().firstOrNull("X-Authorization"));
                response.close();
            }
        });
    }
}
