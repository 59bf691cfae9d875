package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.core.ResponseHead;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerTools;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Digest's SHA-256 and -sess variants, stale nonces and bodies, against a test handler on Wisp's server that curl
 * {@code --digest} (a client nobody here wrote) accepts first.
 */
class DigestIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private Server server;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .any("/sha256", new DigestHandler("SHA-256", "bob", "pa\"ss", 2))
                .any("/sha256-sess", new DigestHandler("SHA-256-sess", "bob", "pa\"ss", 2))
                .any("/md5", new DigestHandler("MD5", "bob", "pa\"ss", 2))
                .any("/md5-sess", new DigestHandler("MD5-sess", "bob", "pa\"ss", 2))
                .build();
        server = Server.create(ServerConfig.builder().port(0).build(), router).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    @Test
    void curlAcceptsTheTestHandler() {
        assertTimeoutPreemptively(LIMIT, () -> {
            for (String path : List.of("/sha256", "/md5")) {
                PeerTools.Result curl = PeerTools.run(LIMIT, List.of(PeerTools.require("curl").toString(), "-s",
                        "--digest", "-u", "bob:pa\"ss", url(path)));
                assertEquals("welcome bob, nc=00000001\n", curl.stdout(), path);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"/sha256", "/sha256-sess", "/md5", "/md5-sess"})
    void authenticatesWithEachAlgorithmAndAnswersAStaleNonce(String path) {
        assertTimeoutPreemptively(LIMIT, () -> {
            List<String> challenges = new CopyOnWriteArrayList<>();
            ClientConfig config = ClientConfig.builder().eventListener(new EventListener() {
                @Override
                public void authenticating(Request request, ResponseHead response, Request next) {
                    challenges.add(response.headers().firstOrNull("WWW-Authenticate").contains("stale=true")
                            ? "stale" : "challenge");
                }
            }).build();
            try (Client client = Client.create(config)) {
                Request request = Request.builder(url(path)).credentials(Credentials.digest("bob", "pa\"ss")).build();
                List<String> bodies = new java.util.ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    bodies.add(client.send(request).text());
                }
                assertEquals(List.of("welcome bob, nc=00000001\n", "welcome bob, nc=00000002\n",
                        "welcome bob, nc=00000001\n"), bodies);
                assertEquals(List.of("challenge", "stale"), challenges);
            }
        });
    }

    @Test
    void replaysABodyThatCanBeSentAgainAndNotOneThatCannot() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                Credentials bob = Credentials.digest("bob", "pa\"ss");
                Response replayed = client.send(Request.builder(url("/md5")).method("POST").body("form")
                        .credentials(bob).build());
                assertEquals(200, replayed.statusCode());
                replayed.close();
                Response kept = client.send(Request.builder(url("/sha256")).method("POST")
                        .body(new ByteArrayInputStream(new byte[] {1, 2}), 2).credentials(bob).build());
                assertEquals(401, kept.statusCode(), "a stream body cannot be sent twice: the 401 is the answer");
                kept.close();
            }
        });
    }
}
