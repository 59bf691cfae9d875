package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wisp.server.Server;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp serve} against curl, a real peer, over HTTPS with the self-signed certificate curl is told to trust:
 * echo, a range, HEAD, a conditional GET and a redirect.
 */
class ServeCurlIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Path CURL = Path.of("/usr/bin/curl");
    /** The self-signed certificate {@code wisp serve} keeps in its configuration folder (under target in tests). */
    private static final String CERTIFICATE = ConfigFolder.resolve().resolve("cert.pem").toString();

    @TempDir
    Path directory;
    private Server server;
    private String base;

    @BeforeEach
    void start() throws IOException, UsageException {
        if (!Files.isExecutable(CURL)) {
            if ("true".equals(System.getenv("CI"))) {
                fail("curl is required in CI: " + CURL);
            }
            assumeTrue(false, "curl is not installed at " + CURL);
        }
        Files.writeString(directory.resolve("hello.txt"), "hello world\n");
        Files.createDirectory(directory.resolve("sub"));
        serve();
    }

    /** Starts {@code wisp serve} on the directory with these options more. */
    private void serve(String... options) throws IOException, UsageException {
        List<String> arguments = new ArrayList<>(List.of(directory.toString(), "--port", "0"));
        arguments.addAll(List.of(options));
        server = ServeCommand.start(arguments,
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        base = "https://localhost:" + server.port();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Runs curl with the arguments and returns its standard output; fails on a non-zero exit. */
    private static String curl(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CURL.toString(), "-s", "-S", "--max-time", "5", "--cacert",
                CERTIFICATE));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, process.exitValue(), "curl failed: " + output);
        return output;
    }

    @Test
    void echoesPostedFormOverHttp2ByDefault() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String output = curl("-d", "hi", base + "/echo");
            assertTrue(output.startsWith("POST /echo HTTP/2\n"), output);
            assertTrue(output.contains("\ncontent-length: 2\n"), output);
            assertTrue(output.endsWith("\n\nhi"), output);
        });
    }

    @Test
    void echoesPostedFormOverHttp1() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String output = curl("--http1.1", "-d", "hi", base + "/echo");
            assertTrue(output.startsWith("POST /echo HTTP/1.1\nHost: localhost:" + server.port() + "\n"), output);
            assertTrue(output.contains("\nContent-Length: 2\n"), output);
            assertTrue(output.endsWith("\n\nhi"), output);
        });
    }

    @Test
    void keepsToHttp1WhenAsked() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            server.close();
            serve("--http1.1");
            String head = curl("-i", base + "/hello.txt");
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertEquals("1.1", curl("--http2", "-o", "/dev/null", "-w", "%{http_version}", base + "/hello.txt"),
                    "curl offers h2 by ALPN; the server chooses HTTP/1.1");
        });
    }

    /**
     * In plaintext, h2c by prior knowledge beside HTTP/1.1; with --http1.1 the preface is an HTTP/1.1 request of a
     * version not served: 505.
     */
    @Test
    void speaksH2cByPriorKnowledgeInPlaintext() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            server.close();
            serve("--plain");
            String plain = "http://127.0.0.1:" + server.port() + "/hello.txt";
            assertEquals("2 hello world\n", curl("--http2-prior-knowledge", "-w", "%{http_version} ", "-o", "/dev/null",
                    plain) + curl("--http2-prior-knowledge", plain));
            assertEquals("1.1", curl("-o", "/dev/null", "-w", "%{http_version}", plain));
            assertEquals(4, firstBytesAfterPreface()[3], "a SETTINGS frame (type 4) answers the preface");
            server.close();
            serve("--plain", "--http1.1");
            assertEquals("HTTP/1.1 505", new String(firstBytesAfterPreface(), StandardCharsets.ISO_8859_1));
        });
    }

    /** Sends the HTTP/2 connection preface (RFC 9113 §3.4) and returns the first 12 bytes of the answer. */
    private byte[] firstBytesAfterPreface() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return socket.getInputStream().readNBytes(12);
        }
    }

    @Test
    void fetchesRangeOverHttp1() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals("hello", curl("--http1.1", "-r", "0-4", base + "/hello.txt"));
            String head = curl("--http1.1", "-i", "-r", "6-", base + "/hello.txt");
            assertTrue(head.startsWith("HTTP/1.1 206 Partial Content\r\n"), head);
            assertTrue(head.contains("\r\nContent-Range: bytes 6-11/12\r\n"), head);
            assertTrue(head.endsWith("\r\n\r\nworld\n"), head);
        });
    }

    @Test
    void fetchesRangesOverHttp2() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals("hello", curl("-r", "0-4", base + "/hello.txt"));
            String head = curl("-i", "-r", "6-", base + "/hello.txt");
            assertTrue(head.startsWith("HTTP/2 206 \r\n"), head);
            assertTrue(head.contains("\r\ncontent-range: bytes 6-11/12\r\n"), head);
            assertTrue(head.endsWith("\r\n\r\nworld\n"), head);
        });
    }

    @Test
    void headShowsFileMetadata() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String head = curl("--http1.1", "-I", base + "/hello.txt");
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.contains("\r\nContent-Length: 12\r\n"), head);
            assertTrue(head.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"), head);
            assertTrue(head.contains("\r\nAccept-Ranges: bytes\r\n"), head);
            assertTrue(head.contains("\r\nX-Content-Type-Options: nosniff\r\n"), head);
            assertTrue(head.contains("\r\nETag: \"c-"), head);
            assertTrue(head.contains("\r\nLast-Modified: "), head);
        });
    }

    @Test
    void revalidatesWithEtag() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String head = curl("-I", base + "/hello.txt");
            String etag = head.lines().filter(line -> line.regionMatches(true, 0, "ETag: ", 0, 6)).findFirst()
                    .orElseThrow().substring("ETag: ".length());
            String status = curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: " + etag,
                    base + "/hello.txt");
            assertEquals("304", status);
        });
    }

    @Test
    void followsDirectoryRedirect() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String output = curl("-L", "-w", "%{url_effective}", base + "/sub");
            assertTrue(output.contains("<title>Index of /sub/</title>"), output);
            assertTrue(output.endsWith(base + "/sub/"), output);
        });
    }
}
