package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientConfig.Builder#credentialsProvider}: each request without credentials of its own authenticates with
 * its origin's, a redirect to another origin with that one's (never the first origin's), and a request's own
 * credentials come first. Against two Wisp servers that ask for Basic.
 */
class CredentialsProviderIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final List<Server> servers = new ArrayList<>();

    private int start(int redirectPort) {
        Router router = Router.builder().get("/*", (request, response) -> {
            if (request.path().equals("/away")) {
                response.status(302).header("Location", "http://localhost:" + redirectPort + "/x").send("");
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
        Server server = Server.create(ServerConfig.builder().port(0).build(), router).start();
        servers.add(server);
        return server.port();
    }

    @AfterEach
    void stop() {
        servers.forEach(Server::close);
    }

    @Test
    void eachOriginHasItsOwnCredentials() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int second = start(0);
            int first = start(second);
            Map<Origin, Credentials> logins = Map.of(
                    Origin.plaintext("127.0.0.1", first), Credentials.any("first", "one"),
                    Origin.plaintext("localhost", second), Credentials.basic("second", "two"));
            List<Origin> asked = new CopyOnWriteArrayList<>();
            CredentialsProvider provider = origin -> {
                asked.add(origin);
                return Optional.ofNullable(logins.get(origin));
            };
            try (Client client = Client.create(ClientConfig.builder().credentialsProvider(provider).build())) {
                assertEquals("first:one", client.send(Request.get("http://127.0.0.1:" + first + "/x")).text());
                assertEquals("second:two", client.send(Request.get("http://127.0.0.1:" + first + "/away")).text());
                assertEquals("own:pw", client.send(Request.builder("http://127.0.0.1:" + first + "/x")
                        .credentials(Credentials.basic("own", "pw")).build()).text());
                assertEquals("none", client.send(Request.get("http://127.0.0.1:" + second + "/x")).text());
            }
            assertTrue(asked.contains(Origin.plaintext("localhost", second)), asked.toString());
        });
    }
}
