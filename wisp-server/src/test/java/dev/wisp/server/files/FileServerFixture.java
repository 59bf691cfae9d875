package dev.wisp.server.files;

import dev.wisp.core.Headers;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real server on 127.0.0.1, port 0, with a {@link FileHandler} on a test tree in a fresh temporary directory, and
 * a raw-socket client that sends one request per connection ({@code Connection: close}) and reads the response to
 * the end of the stream. Register it with {@code @RegisterExtension} for one per test, or use {@link #started}.
 *
 * <p>The tree, under {@code root}: {@code hello.txt}, {@code data.bin} (bytes 0..99), {@code empty.txt},
 * {@code .hidden}, {@code site/index.html}, {@code docs/} (with {@code <script>.txt}, {@code a&b.txt},
 * {@code javascript:x}, {@code notes.md} and {@code sub/}), a link {@code inner-link} to {@code hello.txt}, and links
 * {@code outer-link} and {@code outer-dir} to a file and a directory beside the root.
 */
final class FileServerFixture implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final byte[] DATA = data();

    private final Function<Path, Router> routes;
    private Path base;
    private Server server;
    Path root;

    /** Serves the tree with {@code FileHandler.of(root)} on {@code /*}. */
    FileServerFixture() {
        this(root -> Router.builder().get("/*", FileHandler.of(root)).build());
    }

    /** Serves the tree with the routes made from its root. */
    FileServerFixture(Function<Path, Router> routes) {
        this.routes = routes;
    }

    /** A started fixture with these routes; close it when done. */
    static FileServerFixture started(Function<Path, Router> routes) throws IOException {
        FileServerFixture fixture = new FileServerFixture(routes);
        fixture.start();
        return fixture;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    private void start() throws IOException {
        base = Files.createTempDirectory("wisp-files-");
        root = Files.createDirectory(base.resolve("root"));
        Path outside = Files.createDirectory(base.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret\n");
        Files.writeString(root.resolve("hello.txt"), "hello world\n");
        Files.write(root.resolve("data.bin"), DATA);
        Files.writeString(root.resolve("empty.txt"), "");
        Files.writeString(root.resolve(".hidden"), "hidden\n");
        Files.writeString(Files.createDirectory(root.resolve("site")).resolve("index.html"), "<h1>site</h1>\n");
        Path docs = Files.createDirectory(root.resolve("docs"));
        Files.writeString(docs.resolve("<script>.txt"), "x");
        Files.writeString(docs.resolve("a&b.txt"), "ab");
        Files.writeString(docs.resolve("javascript:x"), "js");
        Files.writeString(docs.resolve("notes.md"), "# notes\n");
        Files.createDirectory(docs.resolve("sub"));
        Files.createSymbolicLink(root.resolve("inner-link"), root.resolve("hello.txt"));
        Files.createSymbolicLink(root.resolve("outer-link"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("outer-dir"), outside);
        server = Server.create(ServerConfig.builder().port(0).build(), routes.apply(root)).start();
    }

    /** Sends a GET (or another method) with extra header lines, each without CRLF. */
    Response request(String method, String target, String... headerLines) throws IOException {
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nConnection: close\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return send(request.append("\r\n").toString());
    }

    Response get(String target, String... headerLines) throws IOException {
        return request("GET", target, headerLines);
    }

    /** The URL of a path on this server, for real clients such as curl. */
    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    /** Sends raw request bytes and reads the response until the server closes the connection. */
    Response send(String rawRequest) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(rawRequest.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            in.transferTo(received);
            return Response.parse(received.toByteArray());
        }
    }

    /** Stops the server and deletes the tree (links themselves, never what they point to). */
    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
        try (Stream<Path> paths = Files.walk(base)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the test tree " + base, e);
        }
    }

    private static byte[] data() {
        byte[] bytes = new byte[100];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    /** A response as received: status code, header fields, and the bytes after the head. */
    record Response(int status, Headers headers, byte[] body) {
        static Response parse(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                throw new AssertionError("no complete response head in: " + text);
            }
            String[] lines = text.substring(0, end).split("\r\n");
            Headers.Builder headers = Headers.builder();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.add(lines[i].substring(0, colon), lines[i].substring(colon + 1).strip());
            }
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            return new Response(status, headers.build(), Arrays.copyOfRange(bytes, end + 4, bytes.length));
        }

        String header(String name) {
            return headers.first(name).orElse(null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
