package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.ClosedAfterTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ClientConfig.Builder#credentialsProvider}: each request without credentials of its own authenticates with
 * its origin's, a redirect to another origin with that one's (never the first origin's), and a request's own
 * credentials come first. The provider is asked once per call and origin: a challenge's answer, and a redirect back
 * to an origin the call has been to, use the answer it gave. Against two Wisp servers that ask for Basic.
 */
class CredentialsProviderIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @RegisterExtension
    final ClosedAfterTest servers = new ClosedAfterTest();
    /** The port of the server that the other one's {@code /back} redirects to. */
    private volatile int firstPort;

    private int start(int redirectPort) {
        Router router = Router.builder().get("/*", (request, response) -> {
            String location = switch (request.path()) {
                case "/away" -> "http://localhost:" + redirectPort + "/x";
                case "/round" -> "http://localhost:" + redirectPort + "/back";
                case "/back" -> "http://127.0.0.1:" + firstPort + "/x";
                default -> null;
            };
            if (location != null) {
                response.status(302).header("Location", location).send("");
                return;
            }
            String authorization = request.headers().firstOrNull("Authorization");
            if (authorization == null) {
                response.status(401).header("WWW-Authenticate", "Basic realm=\"r\"").send("none");
                return;
            }
            response.send(new String(Base64.getDecoder().decode(authorization.substring("Basic ".length())),
                    StandardCharsets.UTF_8));
        }).build();
        return servers.add(Server.create(ServerConfig.builder().port(0).build(), router).start()).port();
    }

    @Test
    void eachOriginHasItsOwnCredentials() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int second = start(0);
            int first = start(second);
            firstPort = first;
            Origin firstOrigin = Origin.plaintext("127.0.0.1", first);
            Origin secondOrigin = Origin.plaintext("localhost", second);
            Map<Origin, Credentials> logins = Map.of(firstOrigin, Credentials.any("first", "one"),
                    secondOrigin, Credentials.basic("second", "two"));
            List<Origin> asked = new CopyOnWriteArrayList<>();
            CredentialsProvider provider = origin -> {
                asked.add(origin);
                return Optional.ofNullable(logins.get(origin));
            };
            try (Client client = Client.create(ClientConfig.builder().credentialsProvider(provider).build())) {
                // Credentials.any waits for the challenge: the request and its answer, one answer of the provider.
                assertEquals("first:one", client.send(Request.get("http://127.0.0.1:" + first + "/x")).text());
                assertEquals(List.of(firstOrigin), asked);
                assertEquals("second:two", client.send(Request.get("http://127.0.0.1:" + first + "/away")).text());
                assertEquals(List.of(firstOrigin, firstOrigin, secondOrigin), asked, "the next call asks again");
                asked.clear();
                assertEquals("first:one", client.send(Request.get("http://127.0.0.1:" + first + "/round")).text());
                assertEquals(List.of(firstOrigin, secondOrigin), asked, "back at the first origin, and challenged");
                asked.clear();
                assertEquals("own:pw", client.send(Request.builder("http://127.0.0.1:" + first + "/x")
                        .credentials(Credentials.basic("own", "pw")).build()).text());
                assertEquals(List.of(), asked, "a request's own credentials come first");
                assertEquals("none", client.send(Request.get("http://127.0.0.1:" + second + "/x")).text());
                assertEquals(List.of(Origin.plaintext("127.0.0.1", second)), asked, "none, and a 401 unanswered");
            }
        });
    }
}
