package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.RequestHead;
import dev.wisp.core.ResponseHead;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Digest authentication (RFC 7616, MD5, qop=auth) against Apache httpd's mod_auth_digest, a real peer. */
class ApacheDigestIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    @TempDir
    static Path directory;
    private static ApachePeer apache;

    @BeforeAll
    static void start() throws Exception {
        apache = ApachePeer.start(directory, "alice", "s3cret \u00e9t\u00e9");
    }

    @AfterAll
    static void stop() throws Exception {
        if (apache != null) {
            apache.close();
        }
    }

    /** Records the status of every response and the Authorization of every request head. */
    private static final class Recorder implements EventListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void requestHeadersSent(Request request, RequestHead head) {
            String authorization = head.headers().firstOrNull("Authorization");
            seen.add(authorization == null ? "no auth" : authorization.replaceAll(".*(nc=\\w+).*", "$1"));
        }

        @Override
        public void responseHeaders(Request request, ResponseHead head) {
            seen.add(String.valueOf(head.status().code()));
        }
    }

    @Test
    void answersTheChallengeOnceThenCountsTheNonceAcrossRequests() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Recorder recorder = new Recorder();
            try (Client client = Client.create(ClientConfig.builder().eventListener(recorder).build())) {
                Credentials alice = Credentials.digest("alice", "s3cret \u00e9t\u00e9");
                for (int i = 0; i < 3; i++) {
                    Response response = client.send(Request.builder(apache.url("/private/page.txt"))
                            .credentials(alice).build());
                    assertEquals(200, response.statusCode());
                    assertEquals("the private page\n", response.text());
                }
            }
            assertEquals(List.of("no auth", "401", "nc=00000001", "200", "nc=00000002", "200", "nc=00000003", "200"),
                    recorder.seen);
        });
    }

    @Test
    void answersWhicheverSchemeTheServerAsksForWithAnyCredentials() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Client client = Client.create()) {
                Response response = client.send(Request.builder(apache.url("/private/page.txt"))
                        .credentials(Credentials.any("alice", "s3cret \u00e9t\u00e9")).build());
                assertEquals(200, response.statusCode());
                assertTrue(response.request().headers().firstOrNull("Authorization").startsWith("Digest "));
                response.close();
            }
        });
    }

    @Test
    void returnsThe401WhenThePasswordIsWrongAfterOneRetry() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Recorder recorder = new Recorder();
            try (Client client = Client.create(ClientConfig.builder().eventListener(recorder).build())) {
                Response response = client.send(Request.builder(apache.url("/private/page.txt"))
                        .credentials(Credentials.digest("alice", "wrong")).build());
                assertEquals(401, response.statusCode());
                response.close();
            }
            assertEquals(List.of("no auth", "401", "nc=00000001", "401"), recorder.seen);
        });
    }
}
