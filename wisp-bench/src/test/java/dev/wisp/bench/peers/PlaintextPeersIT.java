package dev.wisp.bench.peers;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every peer of the load test answers the same exchange: {@code 200}, {@code text/plain}, {@code Content-Length: 13},
 * {@code Hello, World!}, twice on one keep-alive connection, and {@code 404} elsewhere. Ports 19090-19095.
 */
class PlaintextPeersIT {

    static Stream<Arguments> peers() {
        return Stream.of(
                Arguments.of("wisp", 19090, (PeerLauncher.Starter) WispPlaintext::start),
                Arguments.of("netty", 19091, (PeerLauncher.Starter) NettyPlaintext::start),
                Arguments.of("jetty", 19092, (PeerLauncher.Starter) JettyPlaintext::start),
                Arguments.of("undertow", 19093, (PeerLauncher.Starter) UndertowPlaintext::start),
                Arguments.of("helidon", 19094, (PeerLauncher.Starter) HelidonPlaintext::start),
                Arguments.of("jdk", 19095, (PeerLauncher.Starter) JdkHttpServerPlaintext::start));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("peers")
    void answersPlaintextTwiceOnOneConnectionAnd404Elsewhere(String name, int port, PeerLauncher.Starter starter) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (AutoCloseable server = starter.start(port); Socket socket = new Socket(Plaintext.HOST, port)) {
                socket.setSoTimeout(5_000);
                for (int i = 0; i < 2; i++) {
                    Response response = exchange(socket, "/plaintext");
                    assertEquals(200, response.status(), name);
                    assertEquals("text/plain", response.headers().get("content-type"), name);
                    assertEquals("13", response.headers().get("content-length"), name);
                    assertEquals(Plaintext.TEXT, response.body(), name);
                }
                assertEquals(404, exchange(socket, "/missing").status(), name);
            }
        });
    }

    private record Response(int status, Map<String, String> headers, String body) {
    }

    private static Response exchange(Socket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + Plaintext.HOST + "\r\n\r\n").getBytes(US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        String[] lines = readHead(in).split("\r\n");
        assertTrue(lines[0].startsWith("HTTP/1.1 "), lines[0]);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String fieldName = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.put(fieldName, lines[i].substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        String body = new String(in.readNBytes(length), US_ASCII);
        return new Response(Integer.parseInt(lines[0].substring(9, 12)), headers, body);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head");
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(US_ASCII).strip();
    }
}
