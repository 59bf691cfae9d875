package dev.wisp.client;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.ChildJava;
import dev.wisp.testing.CommandProcess;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificate.KeyType;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link LowMemoryClient} in a child JVM, so a test can exhaust its resources without touching its own, and the
 * server it calls, in this JVM: {@code /big} answers {@value #BODY_BYTES} bytes, {@code /hello} five. Closing it
 * stops both.
 */
final class ChildClient implements AutoCloseable {
    static final int BODY_BYTES = 256 * 1024;
    /**
     * The lock of the test classes that fill a child client's heap, which run beside the others but one at a time:
     * two heaps full at once would load the machine, and the classes beside them, the more.
     */
    static final String FULL_HEAP = "a child client's full heap";
    private static final Duration REPLY_WAIT = Duration.ofSeconds(60);
    private static final TestCertificate CA = TestCertificates.ca(KeyType.EC);
    private static final TestCertificate SERVER = TestCertificates.server(CA, KeyType.EC);

    /** How the child client reaches the server. */
    enum Wire {
        HTTP1(false, false), HTTP1_TLS(true, false), H2C(false, true), H2(true, true);

        final boolean tls;
        final boolean http2;

        Wire(boolean tls, boolean http2) {
            this.tls = tls;
            this.http2 = http2;
        }
    }

    private final Server server;
    private final CommandProcess process;

    private ChildClient(Server server, CommandProcess process) {
        this.server = server;
        this.process = process;
    }

    /**
     * Starts the server and the child client that calls it, with a heap of this size ({@code -Xmx}, as "48m"), at most
     * {@code perOrigin} connections per origin, {@code calls} calls to arm and these options of its JVM; the child's CA
     * file goes to the directory.
     */
    static ChildClient start(Wire wire, Path directory, String maxHeap, int perOrigin, int calls,
            String... jvmOptions) throws Exception {
        byte[] body = new byte[BODY_BYTES];
        ServerConfig.Builder config = ServerConfig.builder().port(0).http2(wire.http2);
        if (wire.tls) {
            config.tls(TlsConfig.builder().identity(TlsIdentity.pem(SERVER.chainPem(), SERVER.keys().pkcs8Pem()))
                    .build());
        }
        Server server = Server.create(config.build(), Router.builder()
                .get("/big", (request, response) -> response.send(body))
                .get("/hello", (request, response) -> response.send("hello"))
                .build()).start();
        try {
            String origin = (wire.tls ? "https://localhost:" : "http://127.0.0.1:") + server.port();
            // The JVM's own warnings (a thread it could not start) go with the log, not among the replies.
            List<String> options = new ArrayList<>(List.of("-Xmx" + maxHeap, "-Xlog:disable",
                    "-Xlog:all=warning:stderr"));
            options.addAll(List.of(jvmOptions));
            List<String> command = new ArrayList<>(ChildJava.command(LowMemoryClient.class,
                    options.toArray(String[]::new)));
            command.addAll(List.of(origin + "/big", origin + "/hello", String.valueOf(perOrigin),
                    String.valueOf(calls), wire.http2 ? "http2" : "http1"));
            if (wire.tls) {
                Path ca = directory.resolve("ca.pem");
                Files.writeString(ca, CA.certificatePem());
                command.add(ca.toString());
            }
            CommandProcess process = CommandProcess.start(command, REPLY_WAIT);
            process.awaitReply("ready"::equals, "'ready'");
            return new ChildClient(server, process);
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    /** Sends a command and waits for its reply. */
    String command(String command) throws InterruptedException {
        return process.command(command);
    }

    long pid() {
        return process.pid();
    }

    /** Every line the child logged so far, in order. */
    List<String> logLines() {
        return process.logLines();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.close();
        } finally {
            server.close();
        }
    }
}
