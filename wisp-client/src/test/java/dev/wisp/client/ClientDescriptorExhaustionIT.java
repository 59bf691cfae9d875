package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.ChildJava;
import dev.wisp.testing.OutputLines;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client whose process runs out of file descriptors fails its calls that need a new connection with a typed
 * error, keeps serving those its pool can carry, and works again as soon as descriptors come back, by itself. The
 * client runs in a child JVM ({@link LowDescriptorClient}) under {@code prlimit --nofile}, so that filling its table
 * touches nothing here; the server is this JVM's.
 */
class ClientDescriptorExhaustionIT {
    private static final int MAX_DESCRIPTORS = 256;
    private static final Duration REPLY_WAIT = Duration.ofSeconds(30);

    private Server server;
    private Process child;
    private PrintStream commands;
    private OutputLines replies;
    private OutputLines log;

    @BeforeEach
    void start() throws Exception {
        server = Server.create(ServerConfig.builder().port(0).build(),
                Router.builder().get("/hello", (request, response) -> response.send("hello")).build()).start();
        List<String> command = new ArrayList<>(List.of("prlimit", "--nofile=" + MAX_DESCRIPTORS));
        command.addAll(ChildJava.command(LowDescriptorClient.class, "-Xmx64m"));
        child = new ProcessBuilder(command).start();
        commands = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
        replies = OutputLines.follow(child.getInputStream());
        log = OutputLines.follow(child.getErrorStream());
        assertNotNull(replies.poll("ready"::equals, REPLY_WAIT), () -> "the child did not start: " + log.seen());
    }

    @AfterEach
    void stop() throws Exception {
        if (commands != null) {
            commands.close();
        }
        if (child != null && !child.waitFor(10, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aClientMadeWhileTheTableIsFullWorksOnceDescriptorsComeBack() throws Exception {
        assertTrue(command("fill").startsWith("filled "));
        // The configuration's class reads the JDK's trust store when it loads: that fails now, and must not leave
        // the class unusable for the rest of the JVM's life.
        assertEquals("client made", command("client"));
        assertTooManyOpenFiles(command("get " + url("127.0.0.1")));

        assertEquals("freed", command("free 32"));
        assertEquals("status 200 OK hello", command("get " + url("127.0.0.1")));
        // JDK 25's crypto, started under a full table, stays broken for the JVM's life: a TLS call says so, typed.
        String tls = command("get " + url("127.0.0.1").replace("http:", "https:"));
        assertTrue(tls.startsWith("error TlsConfigException: ") || tls.startsWith("error TlsHandshakeException: "),
                tls);
    }

    @Test
    void aCallThatNeedsANewConnectionFailsTypedWhileThePoolCarriesTheOthers() throws Exception {
        assertEquals("client made", command("client"));
        assertEquals("status 200 OK hello", command("get " + url("127.0.0.1")));
        assertTrue(command("fill").startsWith("filled "));

        assertEquals("status 200 OK hello", command("get " + url("127.0.0.1")), "the pooled connection needs none");
        assertTooManyOpenFiles(command("get " + url("localhost")));
        assertTooManyOpenFiles(command("get " + url("localhost")));

        assertEquals("freed", command("free 32"));
        assertEquals("status 200 OK hello", command("get " + url("localhost")));
        assertEquals("status 200 OK hello", command("get " + url("127.0.0.1")));
    }

    private static void assertTooManyOpenFiles(String reply) {
        assertTrue(reply.startsWith("error ConnectFailedException: ") && reply.contains("Too many open files"),
                reply);
    }

    private String url(String host) {
        return "http://" + host + ":" + server.port() + "/hello";
    }

    private String command(String command) throws InterruptedException {
        commands.println(command);
        String reply = replies.poll(line -> true, REPLY_WAIT);
        assertNotNull(reply, () -> "no reply to '" + command + "'; the child's log: " + log.seen());
        return reply;
    }
}
