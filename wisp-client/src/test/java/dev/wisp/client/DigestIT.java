package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.ResponseHead;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerTools;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Digest's SHA-256 and -sess variants, stale nonces, bodies, qop=auth-int, userhash and username*, against a test
 * handler on Wisp's server that curl {@code --digest} (a client nobody here wrote) accepts first: with qop=auth, and
 * with auth-int for a GET (curl hashes an empty body) and userhash. Apache httpd's mod_auth_digest implements
 * qop=auth only ("AuthDigestQop auth-int is not implemented"), so it cannot judge the rest.
 */
class DigestIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String JASON = "J\u00e4s\u00f8n Doe";

    private Server server;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .any("/sha256", new DigestHandler("SHA-256", "bob", "pa\"ss", 2))
                .any("/sha256-sess", new DigestHandler("SHA-256-sess", "bob", "pa\"ss", 2))
                .any("/md5", new DigestHandler("MD5", "bob", "pa\"ss", 2))
                .any("/md5-sess", new DigestHandler("MD5-sess", "bob", "pa\"ss", 2))
                .any("/auth-int", new DigestHandler("SHA-256", "bob", "pa\"ss", 5, "auth-int", false))
                .any("/md5-auth-int", new DigestHandler("MD5-sess", "bob", "pa\"ss", 5, "auth-int", false))
                .any("/both", new DigestHandler("SHA-256", "bob", "pa\"ss", 5, "auth-int, auth", false))
                .any("/userhash", new DigestHandler("SHA-256", "bob", "pa\"ss", 5, "auth", true))
                .any("/stale-once", new DigestHandler("SHA-256", "bob", "pa\"ss", 2).staleFirst(1))
                .any("/stale-once-curl", new DigestHandler("SHA-256", "bob", "pa\"ss", 2).staleFirst(1))
                .any("/stale-always", new DigestHandler("SHA-256", "bob", "pa\"ss", 2).staleFirst(100))
                .any("/jason", new DigestHandler("SHA-256", JASON, "Secret, or not?", 5, "auth", false))
                .any("/jason-hashed", new DigestHandler("MD5", JASON, "Secret, or not?", 5, "auth-int", true))
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
                List<String> bodies = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    bodies.add(client.send(request).text());
                }
                assertEquals(List.of("welcome bob, nc=00000001\n", "welcome bob, nc=00000002\n",
                        "welcome bob, nc=00000001\n"), bodies);
                assertEquals(List.of("challenge", "stale"), challenges);
            }
        });
    }

    /**
     * RFC 7616 §3.3: an answer whose nonce went stale before it arrived is told so with a new nonce, and the same
     * credentials go again, as curl does; once, so that a server whose every nonce is stale gets its 401 back.
     */
    @Test
    void answersAgainWhenTheAnswersNonceWentStale() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                Request once = Request.builder(url("/stale-once")).credentials(Credentials.digest("bob", "pa\"ss"))
                        .build();
                assertEquals("welcome bob, nc=00000001\n", client.send(once).text());
                Request always = Request.builder(url("/stale-always")).credentials(Credentials.digest("bob",
                        "pa\"ss")).build();
                try (Response refused = client.send(always)) {
                    assertEquals(401, refused.statusCode());
                    assertTrue(refused.headers().firstOrNull("WWW-Authenticate").contains("stale=true"));
                }
            }
            PeerTools.Result curl = PeerTools.run(LIMIT, List.of(PeerTools.require("curl").toString(), "-s",
                    "--digest", "-u", "bob:pa\"ss", url("/stale-once-curl")));
            assertEquals("welcome bob, nc=00000001\n", curl.stdout(), "curl answers the stale nonce too");
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

    @Test
    void curlAcceptsTheTestHandlersAuthIntAndUserhash() {
        assertTimeoutPreemptively(LIMIT, () -> {
            for (String path : List.of("/auth-int", "/md5-auth-int", "/both", "/userhash")) {
                PeerTools.Result curl = PeerTools.run(LIMIT, List.of(PeerTools.require("curl").toString(), "-s",
                        "-i", "--digest", "-u", "bob:pa\"ss", url(path)));
                String expectedQop = path.equals("/both") || path.equals("/userhash") ? "auth" : "auth-int";
                assertTrue(curl.stdout().contains("Digest-Qop: " + expectedQop + "\r\n"), curl.stdout());
                assertTrue(curl.stdout().endsWith("\r\n\r\nwelcome bob, nc=00000001\n"), curl.stdout());
            }
        });
    }

    @Test
    void hashesEmptyBytesFileAndFormBodiesForAuthInt(@TempDir Path dir) {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path file = Files.writeString(dir.resolve("upload.txt"), "from a file\n", StandardCharsets.UTF_8);
            Credentials bob = Credentials.digest("bob", "pa\"ss");
            for (String path : List.of("/auth-int", "/md5-auth-int")) {
                try (Client client = Client.create()) {
                    List<Request> requests = List.of(
                            Request.builder(url(path)).credentials(bob).build(),
                            Request.builder(url(path)).method("POST").body("text").credentials(bob).build(),
                            Request.builder(url(path)).method("PUT").body(file).credentials(bob).build(),
                            Request.builder(url(path)).method("POST").credentials(bob)
                                    .body(FormBody.builder().add("a b", "c&d").build()).build());
                    List<String> answers = new ArrayList<>();
                    for (Request request : requests) {
                        try (Response response = client.send(request)) {
                            answers.add(response.headers().firstOrNull("Digest-Qop") + " " + response.text());
                        }
                    }
                    assertEquals(List.of("auth-int welcome bob, nc=00000001\n",
                            "auth-int welcome bob, nc=00000002\n", "auth-int welcome bob, nc=00000003\n",
                            "auth-int welcome bob, nc=00000004\n"), answers, path);
                }
            }
        });
    }

    @Test
    void sendsAStreamBodyWithAuthWhenOfferedAndReturnsThe401WhenOnlyAuthIntIs() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Credentials bob = Credentials.digest("bob", "pa\"ss");
            for (String path : List.of("/both", "/auth-int")) {
                try (Client client = Client.create()) {
                    client.send(Request.builder(url(path)).credentials(bob).build()).close();
                    Request stream = Request.builder(url(path)).method("POST").credentials(bob)
                            .body(new ByteArrayInputStream(new byte[] {1, 2, 3}), 3).build();
                    try (Response response = client.send(stream)) {
                        assertEquals(path.equals("/both") ? 200 : 401, response.statusCode(), path);
                        assertEquals(path.equals("/both") ? "auth" : null,
                                response.headers().firstOrNull("Digest-Qop"), path);
                    }
                }
            }
        });
    }

    @Test
    void sendsAHashedUserNameOrUsernameStarAsTheServerAsks() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                Request bob = Request.builder(url("/userhash")).credentials(Credentials.digest("bob", "pa\"ss"))
                        .build();
                assertEquals("welcome bob, nc=00000001\n", client.send(bob).text());
            }
            Credentials jason = Credentials.digest(JASON, "Secret, or not?");
            for (String path : List.of("/jason", "/jason-hashed")) {
                try (Client client = Client.create()) {
                    Request request = Request.builder(url(path)).method("POST").body("{}").credentials(jason).build();
                    assertEquals("welcome " + JASON + ", nc=00000001\n", client.send(request).text(), path);
                }
            }
        });
    }
}
