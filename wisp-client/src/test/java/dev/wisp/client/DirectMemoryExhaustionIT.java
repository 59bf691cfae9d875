package dev.wisp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.ChildJava;
import dev.wisp.testing.PeerTools;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A client whose direct memory is short ({@code -XX:MaxDirectMemorySize=1m} in a child JVM, {@link DirectMemoryProbe},
 * where the heap is not): downloads read ahead of the application into pooled direct buffers of 256 KiB, of which
 * four fit; those that find none read without one, slower and as correctly. Before, each download that found none
 * failed with an {@link OutOfMemoryError}: 11 of the 24 here.
 */
class DirectMemoryExhaustionIT {
    private static final int DOWNLOADS = 24;
    private static final int BODY_BYTES = 8 << 20;

    @AutoClose
    private Server server;

    @Test
    void downloadsBeyondTheDirectMemoryGoOnWithoutDirectBuffers() throws Exception {
        byte[] body = new byte[BODY_BYTES];
        server = Server.create(ServerConfig.builder().port(0).build(),
                Router.builder().get("/large", (request, response) -> response.send(body)).build()).start();
        List<String> command = new ArrayList<>(ChildJava.command(DirectMemoryProbe.class, "-XX:+UseSerialGC",
                "-Xmx256m", "-XX:MaxDirectMemorySize=1m"));
        command.addAll(List.of("http://127.0.0.1:" + server.port() + "/large", String.valueOf(DOWNLOADS)));
        PeerTools.Result result = PeerTools.run(Duration.ofSeconds(120), command);
        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("{status 200 " + BODY_BYTES + "=" + DOWNLOADS + "}", result.stdout().strip(), result.stderr());
    }
}
