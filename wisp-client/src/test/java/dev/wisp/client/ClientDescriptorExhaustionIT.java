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
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A client whose process runs out of file descriptors fails its calls that need a new connection with a typed
 * error, keeps serving those its pool can carry, and works again as soon as descriptors come back, by itself; a
 * WebSocket that goes idle while the input watcher cannot open its selector waits on its own thread meanwhile. The
 * client runs in a child JVM ({@link LowDescriptorClient}) under {@code prlimit --nofile}, so that filling its table
 * touches nothing here; the server is this JVM's.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes: it mostly waits, on a client in a process of its own
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
        // A client for plaintext is made, and works, without the JDK's trust store, whose reading would fail now.
        assertEquals("client made", child.command("client"));
        assertTooManyOpenFiles(child.command("get " + url("127.0.0.1")));
        assertTooManyOpenFiles(child.command("get " + url("127.0.0.1").replace("http:", "https:")));

        assertEquals("freed", child.command("free 32"));
        assertEquals("status 200 OK hello", child.command("get " + url("127.0.0.1")));
        // The JDK's crypto starts at the first TLS connection, now that descriptors are back (started under a full
        // table, JDK 25's stays broken for the JVM's life): the plaintext server's answer fails the handshake.
        String tls = child.command("get " + url("127.0.0.1").replace("http:", "https:"));
        assertTrue(tls.startsWith("error TlsHandshakeException: "), tls);
    }

    /**
     * The JDK's classes of every connection start when the client is made, with descriptors to spare: in a process
     * that had made no connection before its table filled (with files here), the first call started them with none,
     * and they failed for the JVM's life (InetAddress could not read the security properties), the call waiting out its
     * connect timeout in a "DNS lookup" of a literal address, and every call after failed.
     */
    @Test
    void aClientMadeWithDescriptorsToSpareConnectsOnceTheyComeBackInAProcessThatHadNoConnection() throws Exception {
        assertEquals("client made", child.command("client"));
        assertTrue(child.command("fill files").startsWith("filled "));
        String whileFull = child.command("get " + url("127.0.0.1"));
        assertTrue(whileFull.startsWith("error ConnectFailedException: "), whileFull);
        assertEquals("freed", child.command("free 32"));
        assertEquals("status 200 OK hello", child.command("get " + url("127.0.0.1")));
    }

    /**
     * The JDK's crypto starts at the first TLS connection, and only with descriptors to spare: with one free, for the
     * connection's socket, the call fails typed and TLS is left unstarted; once descriptors are back it starts (the
     * plaintext server then fails the handshake). Started with none to spare, it would have stayed broken for the
     * JVM's life, and that last call would fail with TlsConfigException.
     */
    @Test
    void tlsStartsOnlyWithDescriptorsToSpare() throws Exception {
        assertEquals("client made", child.command("client"));
        assertTrue(child.command("fill").startsWith("filled "));
        assertEquals("freed", child.command("free 1"));
        String https = url("127.0.0.1").replace("http:", "https:");
        String whileShort = child.command("get " + https);
        assertTrue(whileShort.startsWith("error TlsConfigException: TLS was not started: the descriptor table is full"),
                whileShort);

        assertEquals("freed", child.command("free 32"));
        String tls = child.command("get " + https);
        assertTrue(tls.startsWith("error TlsHandshakeException: "), tls);
        assertEquals("status 200 OK hello", child.command("get " + url("127.0.0.1")));
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
