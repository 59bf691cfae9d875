package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.ChildJava;
import dev.wisp.testing.CommandProcess;
import dev.wisp.websocket.WebSocketConfig;
import dev.wisp.websocket.WebSocketMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client whose process runs out of file descriptors fails its calls that need a new connection with a typed
 * error, keeps serving those its pool can carry, and works again as soon as descriptors come back, by itself; a
 * WebSocket that goes idle while the input watcher cannot open its selector waits on its own thread meanwhile. The
 * client runs in a child JVM ({@link LowDescriptorClient}) under {@code prlimit --nofile}, so that filling its table
 * touches nothing here; the server is this JVM's.
 */
class ClientDescriptorExhaustionIT {
    private static final Duration REPLY_WAIT = Duration.ofSeconds(30);
    private static final int MAX_DESCRIPTORS = 256;

    @AutoClose
    private Server server;
    @AutoClose
    private CommandProcess child;

    @BeforeEach
    void start() throws Exception {
        server = Server.create(ServerConfig.builder().port(0).build(), Router.builder()
                .get("/hello", (request, response) -> response.send("hello"))
                .blockingWebSocket("/echo", WebSocketConfig.defaults(), (request, webSocket) -> {
                    for (Optional<WebSocketMessage> message; (message = webSocket.receive()).isPresent(); ) {
                        if (message.get() instanceof WebSocketMessage.Text text) {
                            webSocket.sendText(text.text());
                        }
                    }
                })
                .build()).start();
        List<String> command = new ArrayList<>(List.of("prlimit", "--nofile=" + MAX_DESCRIPTORS));
        command.addAll(ChildJava.command(LowDescriptorClient.class, "-Xmx64m"));
        child = CommandProcess.start(command, REPLY_WAIT);
        child.awaitReply("ready"::equals, "'ready'");
    }

    @Test
    void aClientMadeWhileTheTableIsFullWorksOnceDescriptorsComeBack() throws Exception {
        assertTrue(child.command("fill").startsWith("filled "));
        // The configuration's class reads the JDK's trust store when it loads: that fails now, and must not leave
        // the class unusable for the rest of the JVM's life.
        assertEquals("client made", child.command("client"));
        assertTooManyOpenFiles(child.command("get " + url("127.0.0.1")));

        assertEquals("freed", child.command("free 32"));
        assertEquals("status 200 OK hello", child.command("get " + url("127.0.0.1")));
        // JDK 25's crypto, started under a full table, stays broken for the JVM's life: a TLS call says so, typed.
        String tls = child.command("get " + url("127.0.0.1").replace("http:", "https:"));
        assertTrue(tls.startsWith("error TlsConfigException: ") || tls.startsWith("error TlsHandshakeException: "),
                tls);
    }

    @Test
    void aCallThatNeedsANewConnectionFailsTypedWhileThePoolCarriesTheOthers() throws Exception {
        assertEquals("client made", child.command("client"));
        assertEquals("status 200 OK hello", child.command("get " + url("127.0.0.1")));
        assertTrue(child.command("fill").startsWith("filled "));

        assertEquals("status 200 OK hello", child.command("get " + url("127.0.0.1")),
                "the pooled connection needs none");
        assertTooManyOpenFiles(child.command("get " + url("localhost")));
        assertTooManyOpenFiles(child.command("get " + url("localhost")));

        assertEquals("freed", child.command("free 32"));
        assertEquals("status 200 OK hello", child.command("get " + url("localhost")));
        assertEquals("status 200 OK hello", child.command("get " + url("127.0.0.1")));
    }

    @Test
    void aWebSocketIdleWhileTheTableIsFullWaitsOnItsThreadAndOnTheWatcherOnceDescriptorsComeBack() throws Exception {
        assertEquals("client made", child.command("client"));
        assertTrue(child.command("fill").startsWith("filled "));
        assertEquals("freed", child.command("free 1")); // the WebSocket's socket, and none for a selector
        assertEquals("open", child.command("ws ws://127.0.0.1:" + server.port() + "/echo"));
        assertEquals("echo first", child.command("send first"), this::childLog);
        assertEquals("echo second", child.command("send second"), this::childLog);
        assertNotNull(child.awaitLog("the client's input watcher could not start", REPLY_WAIT), this::childLog);
        assertEquals("no watcher", child.command("watcher"));

        assertEquals("freed", child.command("free 32"));
        assertEquals("echo third", child.command("send third"), this::childLog);
        assertEquals("reading 0", child.command("reading"), "the watcher started at the next wait");
        assertEquals("watcher running", child.command("watcher"));
        assertEquals("echo fourth", child.command("send fourth"), this::childLog);
    }

    private String childLog() {
        return "the client's log:\n" + String.join("\n", child.logLines());
    }

    private static void assertTooManyOpenFiles(String reply) {
        assertTrue(reply.startsWith("error ConnectFailedException: ") && reply.contains("Too many open files"),
                reply);
    }

    private String url(String host) {
        return "http://" + host + ":" + server.port() + "/hello";
    }
}
