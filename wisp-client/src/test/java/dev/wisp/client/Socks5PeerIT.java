package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.Socks5Peer;
import dev.wisp.testing.Socks5Peer.ConnectRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SOCKS5 test peer proven against curl, so that the client's SOCKS tests do not rest on a peer that shares the
 * client's reading of RFC 1928 and 1929: {@code --socks5} sends an address, {@code --socks5-hostname} a name, with
 * and without credentials, and wrong credentials fail.
 */
class Socks5PeerIT {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static Server origin;

    @BeforeAll
    static void start() throws Exception {
        origin = Server.create(ServerConfig.builder().port(0).build(), Router.builder()
                .get("/hello", (request, response) -> response.send("hello " + request.target()))
                .build()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (origin != null) {
            origin.close();
        }
    }

    private static PeerTools.Result curl(String... options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(PeerTools.require("curl").toString(), "-sS",
                "--max-time", "10"));
        command.addAll(List.of(options));
        command.add("http://localhost:" + origin.port() + "/hello");
        return PeerTools.run(LIMIT, command);
    }

    @Test
    void curlsSocks5SendsAnAddressAndSocks5HostnameAName() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Socks5Peer peer = Socks5Peer.start()) {
                PeerTools.Result address = curl("--socks5", "127.0.0.1:" + peer.port());
                assertEquals("hello /hello", address.stdout(), address.stderr());
                PeerTools.Result name = curl("--socks5-hostname", "127.0.0.1:" + peer.port());
                assertEquals("hello /hello", name.stdout(), name.stderr());
                assertEquals(List.of(new ConnectRequest(Socks5Peer.IPV4, "127.0.0.1", origin.port(), null),
                        new ConnectRequest(Socks5Peer.DOMAIN_NAME, "localhost", origin.port(), null)), peer.requests());
                assertEquals(List.of(), peer.violations());
            }
        });
    }

    @Test
    void curlAuthenticatesWithUsernameAndPasswordAndFailsWithWrongOnes() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Socks5Peer peer = Socks5Peer.start().credentials("user", "secret")) {
                PeerTools.Result right = curl("-x", "socks5h://user:secret@127.0.0.1:" + peer.port());
                assertEquals("hello /hello", right.stdout(), right.stderr());
                assertEquals(List.of(new ConnectRequest(Socks5Peer.DOMAIN_NAME, "localhost", origin.port(), "user")),
                        peer.requests());
                PeerTools.Result wrong = curl("-x", "socks5h://user:wrong@127.0.0.1:" + peer.port());
                assertNotEquals(0, wrong.exitCode());
                PeerTools.Result none = curl("-x", "socks5h://127.0.0.1:" + peer.port());
                assertNotEquals(0, none.exitCode());
                assertTrue(none.stderr().toLowerCase(java.util.Locale.ROOT).contains("auth"), none.stderr());
                assertEquals(1, peer.requests().size(), "no CONNECT after a refusal");
                assertEquals(List.of(), peer.violations());
            }
        });
    }

    @Test
    void curlReportsTheFailureReplyThePeerSends() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (Socks5Peer peer = Socks5Peer.start().reply(5)) {
                PeerTools.Result refused = curl("--socks5", "127.0.0.1:" + peer.port());
                assertEquals(97, refused.exitCode(), refused.stderr());
                assertTrue(refused.stderr().contains("Can't complete SOCKS5 connection to localhost. (5)"),
                        refused.stderr());
            }
        });
    }
}
