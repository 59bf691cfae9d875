package dev.wisp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.LogCapture;
import dev.wisp.testing.NginxConfig;
import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.ScriptedWebSocketPeer;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketListener;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket route that takes only its own pages, behind nginx set up for WebSockets as its documentation shows: a
 * page of nginx's origin is taken when nginx passes the client's {@code Host} ({@code $http_host}) or says it in
 * {@code X-Forwarded-Host}, and refused when nginx sends the upstream's own name, its default.
 */
class WebSocketBehindNginxIT {
    @TempDir
    Path directory;

    @Test
    void aPageOfNginxsOriginIsTakenWhenNginxPassesTheHost() throws Exception {
        Router echo = Router.builder().webSocket("/chat", WebSocketConfig.defaults(),
                request -> WebSocketListener.echo()).build();
        try (Server server = Server.create(ServerConfig.builder().port(0).build(), echo).start()) {
            Set<Integer> distinct = new LinkedHashSet<>(); // freePort draws from a hundred: it may draw one twice
            while (distinct.size() < 3) {
                distinct.add(PeerProcess.freePort());
            }
            List<Integer> ports = List.copyOf(distinct);
            List<String> passing = List.of("proxy_set_header Host $http_host;",
                    "proxy_set_header X-Forwarded-Host $http_host;", "");
            StringBuilder servers = new StringBuilder();
            for (int i = 0; i < ports.size(); i++) {
                servers.append("""
                        server {
                            listen 127.0.0.1:%d;
                            location / {
                                proxy_pass http://127.0.0.1:%d;
                                proxy_http_version 1.1;
                                proxy_set_header Upgrade $http_upgrade;
                                proxy_set_header Connection "upgrade";
                                %s
                            }
                        }
                        """.formatted(ports.get(i), server.port(), passing.get(i)));
            }
            Process nginx = NginxConfig.startListening(directory, ports.getLast(), servers.toString());
            try (LogCapture log = LogCapture.of(WebSocketRoute.class.getName())) {
                assertEquals(101, upgrade(ports.get(0)), "Host $http_host");
                assertEquals(101, upgrade(ports.get(1)), "X-Forwarded-Host $http_host");
                assertEquals(403, upgrade(ports.get(2)), "nginx's default Host, the upstream's name");
                assertEquals(403, upgrade(ports.get(2)));
                List<LogRecord> told = log.records();
                assertEquals(1, told.size(), "the operator is told of the first refusal only");
                assertEquals(Level.WARNING, told.get(0).getLevel());
                assertTrue(told.get(0).getMessage().startsWith("refused a WebSocket of a page of http://127.0.0.1:"
                        + ports.get(2) + " for host 127.0.0.1:" + server.port() + " (told once per route)"),
                        told.get(0).getMessage());
            } finally {
                nginx.destroy();
                nginx.waitFor();
            }
        }
    }

    /** A browser's handshake to a page's own origin, nginx's, as a browser sends it: Host and Origin with the port. */
    private static int upgrade(int port) {
        int[] status = new int[1];
        RawPeer.talk(port, peer -> {
            peer.send("GET /chat HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + ScriptedWebSocketPeer.KEY + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:" + port + "\r\n\r\n");
            status[0] = peer.readResponseHead().status();
        });
        return status[0];
    }
}
