package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import dev.wisp.websocket.WebSocket;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket's opening handshake carries what a call would: the request's credentials (a URL's userinfo too), the
 * jar's cookies, and one answer to a 401 challenge. Against node's {@code ws}, whose server refuses an upgrade
 * without {@code Authorization: Basic} with 401 and a Basic challenge, and greets each WebSocket with the
 * Authorization and Cookie fields its upgrade came with.
 */
class WebSocketAuthenticationIT {
    private static final Duration LIMIT = Duration.ofSeconds(40);
    /** Arguments: port, the ws module's folder. */
    private static final String NODE_SERVER = """
            const WebSocket = require(process.argv[2]);
            const port = Number(process.argv[1]);
            const server = new WebSocket.Server({ host: '127.0.0.1', port,
                verifyClient: (info, answer) => {
                    const authorization = info.req.headers['authorization'] || '';
                    if (authorization.startsWith('Basic ')) {
                        answer(true);
                    } else {
                        answer(false, 401, 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="ws"' });
                    }
                } });
            server.on('connection', (socket, request) => {
                socket.on('error', () => {});
                const user = Buffer.from(request.headers['authorization'].substring(6), 'base64').toString();
                socket.send(user + ' cookie=' + (request.headers['cookie'] || ''));
            });
            server.on('listening', () => console.log(`ws on ${port}`));
            """;

    @Test
    void theUpgradeCarriesCredentialsAndCookiesAndAnswersAChallenge() {
        assertTimeoutPreemptively(LIMIT, () -> {
            Path modules = PeerProcess.nodeModulesWithWs();
            int port = PeerProcess.freePort();
            List<String> command = List.of(PeerTools.require("node").toString(), "-e", NODE_SERVER,
                    String.valueOf(port), modules.resolve("ws").toAbsolutePath().toString());
            CookieJar jar = CookieJar.create();
            jar.receive(URI.create("http://127.0.0.1:" + port + "/"), List.of("session=abc"));
            try (PeerProcess node = PeerProcess.start(command, Map.of(), "ws on", Duration.ofSeconds(20));
                    Client client = Client.create(ClientConfig.builder().cookieJar(jar).build())) {
                WebSocketConfig config = WebSocketConfig.defaults();
                assertEquals("alice:one cookie=session=abc",
                        greeting(client.webSocket("ws://alice:one@127.0.0.1:" + port + "/", config)));
                Request any = Client.webSocketRequest("ws://127.0.0.1:" + port + "/")
                        .credentials(Credentials.any("bob", "two")).build();
                assertEquals("bob:two cookie=session=abc", greeting(client.webSocket(any, config)));
                WebSocketRefusedException refused = assertThrows(WebSocketRefusedException.class,
                        () -> client.webSocket("ws://127.0.0.1:" + port + "/", config));
                assertEquals(401, refused.status().code());
            }
        });
    }

    private static String greeting(WebSocket webSocket) throws Exception {
        try (webSocket) {
            return ((WebSocketMessage.Text) webSocket.receive().orElseThrow()).text();
        }
    }
}
