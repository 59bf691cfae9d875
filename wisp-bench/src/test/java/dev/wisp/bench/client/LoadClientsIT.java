package dev.wisp.bench.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every client of {@code client.sh} reads whole bodies, small and large, several times over its pool, and fails on
 * a status other than 200, against a Wisp server on an ephemeral loopback port. Its HTTP/2 mode, one client at a
 * time: {@code ClientLoad CLIENT ... h2} in a JVM of its own, as the script starts it (the packaged jars, the
 * server's certificate trusted through {@code -Djavax.net.ssl.trustStore}), against a Wisp server speaking h2 by
 * ALPN; every test line must report requests, no errors and {@code protocol=h2}, which {@code ClientLoad} prints
 * only for responses that came over h2. That certificate is made by the JDK's keytool.
 */
class LoadClientsIT {
    private static final int LARGE_BYTES = 1024 * 1024 + 7;
    private static final String PASSWORD = "changeit";
    private static final Pattern LINE =
            Pattern.compile("(sequential|concurrent|large) requests=(\\d+) .* errors=(\\d+) protocol=(\\S+)");

    @TempDir
    static Path dir;
    private static Server server;
    private static Server tlsServer;

    @BeforeAll
    static void startServers() throws Exception {
        server = start(ServerConfig.builder());
        Path identity = dir.resolve("server.p12");
        run(List.of(tool("keytool"), "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", identity.toString(), "-storepass", PASSWORD),
                Duration.ofSeconds(60));
        KeyStore source = KeyStore.getInstance("PKCS12");
        source.load(Files.newInputStream(identity), PASSWORD.toCharArray());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", source.getCertificate("server"));
        try (OutputStream out = Files.newOutputStream(dir.resolve("trust.p12"))) {
            trust.store(out, PASSWORD.toCharArray());
        }
        tlsServer = start(ServerConfig.builder()
                .tls(TlsConfig.builder().identity(TlsIdentity.pkcs12(identity, PASSWORD.toCharArray())).build())
                .http2(true));
    }

    private static Server start(ServerConfig.Builder config) throws IOException {
        byte[] large = new byte[LARGE_BYTES];
        Server started = Server.create(config.bindAddress(InetAddress.getLoopbackAddress()).port(0).build(),
                Router.builder()
                        .get("/small", (request, response) -> response.send("Hello, World!"))
                        .get("/large", (request, response) -> response.send(large))
                        .build());
        started.start();
        return started;
    }

    @AfterAll
    static void stopServers() {
        server.stop(Duration.ofSeconds(5));
        tlsServer.stop(Duration.ofSeconds(5));
    }

    static Stream<Arguments> clients() {
        return Stream.of(
                Arguments.of("wisp", (Callable<LoadClient>) () -> new WispLoadClient(LoadProtocol.HTTP_1_1)),
                Arguments.of("okhttp", (Callable<LoadClient>) () -> new OkHttpLoadClient(LoadProtocol.HTTP_1_1)),
                Arguments.of("jdk", (Callable<LoadClient>) () -> new JdkLoadClient(LoadProtocol.HTTP_1_1)),
                Arguments.of("jetty", (Callable<LoadClient>) () -> new JettyLoadClient(LoadProtocol.HTTP_1_1)),
                Arguments.of("apache", (Callable<LoadClient>) ApacheLoadClient::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clients")
    void readsWholeBodiesAndRefusesOtherStatuses(String name, Callable<LoadClient> factory) {
        String base = "http://127.0.0.1:" + server.port();
        byte[] scratch = new byte[16 * 1024];
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (LoadClient client = factory.call()) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(13, client.get(URI.create(base + "/small"), scratch), name);
                    assertEquals(LARGE_BYTES, client.get(URI.create(base + "/large"), scratch), name);
                }
                assertThrows(IOException.class, () -> client.get(URI.create(base + "/missing"), scratch), name);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"wisp", "okhttp", "jdk", "jetty"})
    void everyResponseOfTheH2ModeComesOverH2(String name) throws Exception {
        Path jar = Path.of("target", "wisp-bench.jar");
        assertTrue(Files.isRegularFile(jar), "runs after package: no " + jar.toAbsolutePath());
        String base = "https://127.0.0.1:" + tlsServer.port();
        Path out = dir.resolve(name + ".out");
        int status = run(List.of(tool("java"), "-Xmx256m", "-XX:+UseParallelGC",
                "-Djavax.net.ssl.trustStore=" + dir.resolve("trust.p12"),
                "-Djavax.net.ssl.trustStorePassword=" + PASSWORD, "-Djavax.net.ssl.trustStoreType=PKCS12",
                "-cp", jar + File.pathSeparator + Path.of("target", "lib", "*"), ClientLoad.class.getName(), name,
                base + "/small", base + "/large", "0", "1", "4", "h2"), Duration.ofSeconds(90), out);
        String output = Files.readString(out, UTF_8);
        assertEquals(0, status, output);
        List<Matcher> lines = output.lines().map(LINE::matcher).filter(Matcher::matches).toList();
        assertEquals(3, lines.size(), output);
        for (Matcher line : lines) {
            assertTrue(Long.parseLong(line.group(2)) > 0, output);
            assertEquals("0", line.group(3), output);
            assertEquals("h2", line.group(4), output);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"wisp", "okhttp", "jdk"})
    void refusesAResponseOverHttp11InTheH2Mode(String name) {
        URI small = URI.create("http://127.0.0.1:" + server.port() + "/small");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (LoadClient client = ClientLoad.create(name, LoadProtocol.H2)) {
                IOException e = assertThrows(IOException.class, () -> client.get(small, new byte[1024]), name);
                assertTrue(e.getMessage().endsWith(", not h2"), e.getMessage());
            }
        });
    }

    @Test
    void apacheHasNoHttp2() {
        assertThrows(IllegalArgumentException.class, () -> ClientLoad.create("apache", LoadProtocol.H2));
    }

    private static String tool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private static void run(List<String> command, Duration limit) throws Exception {
        Path out = Files.createTempFile(dir, "tool", ".out");
        int status = run(command, limit, out);
        assertEquals(0, status, command.get(0) + ": " + Files.readString(out, UTF_8));
    }

    /** Runs a process we start, its output and errors into {@code out}; kills it when it outlives the limit. */
    private static int run(List<String> command, Duration limit, Path out) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(
                    command.get(0) + " ran longer than " + limit + ": " + Files.readString(out, UTF_8));
        }
        return process.exitValue();
    }
}
