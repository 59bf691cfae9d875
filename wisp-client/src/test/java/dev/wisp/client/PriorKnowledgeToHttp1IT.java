package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.PeerProcess;
import dev.wisp.testing.PeerTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 with prior knowledge (h2c) to a server that speaks HTTP/1.1 alone: it answers the preface with an HTTP/1.1
 * error, and the call fails with a message that says so. Before, the status line was read as a frame header: "type
 * 0x50 frame of 4740180 bytes on stream 825110816 exceeds 16384 bytes".
 */
class PriorKnowledgeToHttp1IT {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    private Path folder;

    private static Client priorKnowledgeClient() {
        return Client.create(ClientConfig.builder().http2(Http2Mode.PRIOR_KNOWLEDGE).build());
    }

    @Test
    void saysAServerThatAnsweredInHttp1DoesNotSpeakHttp2() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (ScriptedServer server = ScriptedServer.start((socket, index, self) -> {
                socket.getInputStream().readNBytes(24); // the preface, which an HTTP/1.1 server finds malformed
                ScriptedServer.write(socket, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                        + "Connection: close\r\n\r\n");
            }); Client client = priorKnowledgeClient()) {
                ResponseProtocolException failure = assertThrows(ResponseProtocolException.class,
                        () -> client.send(Request.get(server.url("/"))));
                assertEquals("invalid response from " + Origin.plaintext("127.0.0.1", server.port()) + ": the server "
                        + "answered in HTTP/1.x (\"HTTP/1.1 400 Bad Request\"): it does not speak HTTP/2 with prior "
                        + "knowledge (h2c)", failure.getMessage());
                assertEquals(0, client.openConnections());
            }
        });
    }

    @Test
    void saysNginxWithoutHttp2DoesNotSpeakIt() {
        assertTimeoutPreemptively(LIMIT, () -> {
            try (NginxPeer nginx = NginxPeer.start(folder); Client client = priorKnowledgeClient()) {
                ResponseProtocolException failure = assertThrows(ResponseProtocolException.class,
                        () -> client.send(Request.get(nginx.url("/hello"))));
                assertTrue(failure.getMessage().contains(": the server answered in HTTP/1.x (\"HTTP/1.1 "),
                        failure.getMessage());
                assertTrue(failure.getMessage().endsWith("it does not speak HTTP/2 with prior knowledge (h2c)"),
                        failure.getMessage());
            }
        });
    }

    /**
     * Python's http.server answers the preface's HTTP/2.0 with a bare HTML page, no status line: read as a frame
     * header, "a type 0x4f frame of 3940676 bytes" until 2026-12-05.
     */
    @Test
    void saysPythonsHttpServerDoesNotSpeakIt() {
        assertTimeoutPreemptively(LIMIT, () -> {
            int port = PeerProcess.freePort();
            try (PeerProcess python = PeerProcess.start(List.of(PeerTools.require("python3").toString(), "-u", "-m",
                    "http.server", String.valueOf(port), "--bind", "127.0.0.1", "--directory", folder.toString()),
                    Map.of(), "Serving HTTP", LIMIT).awaitListening(port); Client client = priorKnowledgeClient()) {
                ResponseProtocolException failure = assertThrows(ResponseProtocolException.class,
                        () -> client.send(Request.get("http://127.0.0.1:" + port + "/")));
                assertTrue(failure.getMessage().contains(": the server answered in text (\"<!DOCTYPE HTML"),
                        failure.getMessage());
            }
        });
    }
}
