package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.ChildJava;
import dev.wisp.testing.CommandProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client whose process runs out of file descriptors fails its calls that need a new connection with a typed
 * error, keeps serving those its pool can carry, and works again as soon as descriptors come back, by itself. The
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
        server = Server.create(ServerConfig.builder().port(0).build(),
                Router.builder().get("/hello", (request, response) -> response.send("hello")).build()).start();
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

    private static void assertTooManyOpenFiles(String reply) {
        assertTrue(reply.startsWith("error ConnectFailedException: ") && reply.contains("Too many open files"),
                reply);
    }

    private String url(String host) {
        return "http://" + host + ":" + server.port() + "/hello";
    }
}
