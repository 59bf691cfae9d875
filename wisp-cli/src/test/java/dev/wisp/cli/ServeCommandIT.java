package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wisp serve} started in-process on port 0 and spoken to over a raw socket. */
class ServeCommandIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path directory;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private Server start(String... options) throws UsageException {
        List<String> arguments = new ArrayList<>(List.of(directory.toString(), "--port", "0"));
        arguments.addAll(List.of(options));
        return ServeCommand.start(arguments, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    /** Sends one request with {@code Connection: close} and returns the whole response as text. */
    private static String exchange(Server server, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void printsWhereItServesPlaintext() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Server server = start("--plain")) {
                assertEquals("Serving " + directory + " on http://127.0.0.1:" + server.port() + "/\n",
                        printed.toString(StandardCharsets.UTF_8));
            }
        });
    }

    @Test
    void printsAnIpv6AddressAsPeopleWriteIt() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Server server = start("--plain", "--bind", "::1")) {
                assertEquals("Serving " + directory + " on http://[::1]:" + server.port() + "/\n",
                        printed.toString(StandardCharsets.UTF_8));
            }
        });
    }

    @Test
    void servesHttpsByDefaultAndPrintsTheCertificateAndItsFingerprint() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Server server = start()) {
                Path certificate = ConfigFolder.resolve().resolve("cert.pem");
                String fingerprint = Fingerprint.sha256Line(server.tls().certificateChains().get(0).get(0));
                String expected = "Serving " + directory + " on https://127.0.0.1:" + server.port() + "/\n"
                        + "Certificate " + certificate + " (self-signed; trust it with curl --cacert " + certificate
                        + ", or compare this fingerprint with your browser's)\n" + fingerprint + "\n";
                String text = printed.toString(StandardCharsets.UTF_8);
                assertTrue(text.endsWith(expected), text);
                assertTrue(fingerprint.matches("sha256 Fingerprint=[0-9A-F]{2}(:[0-9A-F]{2}){31}"), fingerprint);
            }
        });
    }

    @Test
    void printsALinePerRequestUnlessQuiet() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Server server = start("--plain")) {
                printed.reset();
                exchange(server, "GET /missing.txt HTTP/1.1\r\nHost: x\r\nUser-Agent: test/1\r\n"
                        + "Connection: close\r\n\r\n");
                String line = printed.toString(StandardCharsets.UTF_8);
                assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d 127\\.0\\.0\\.1 "
                        + "\"GET /missing.txt HTTP/1.1\" 404 10 \\d+ms \"test/1\"\n"), line);
            }
            try (Server server = start("--plain", "--quiet")) {
                printed.reset();
                exchange(server, "GET /missing.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertEquals("", printed.toString(StandardCharsets.UTF_8));
            }
        });
    }

    @Test
    void printsTheCombinedCommonOrJsonLogFormatWhenAsked() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String time = "\\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\\]";
            try (Server server = start("--plain", "--log-format", "combined")) {
                printed.reset();
                exchange(server, "GET /missing.txt HTTP/1.1\r\nHost: x\r\nUser-Agent: test/1\r\n"
                        + "Referer: http://app.test/\r\nConnection: close\r\n\r\n");
                String line = awaitPrinted();
                assertTrue(line.matches("127\\.0\\.0\\.1 - - " + time
                        + " \"GET /missing.txt HTTP/1.1\" 404 10 \"http://app.test/\" \"test/1\"\n"), line);
            }
            try (Server server = start("--plain", "--log-format", "common")) {
                printed.reset();
                exchange(server, "GET /missing.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                String line = awaitPrinted();
                assertTrue(line.matches("127\\.0\\.0\\.1 - - " + time + " \"GET /missing.txt HTTP/1.1\" 404 10\n"),
                        line);
            }
            try (Server server = start("--plain", "--log-format", "json")) {
                printed.reset();
                exchange(server, "GET /missing.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                String line = awaitPrinted();
                assertTrue(line.matches("\\{\"time\":\"[-0-9T:.]+(Z|[+-]\\d\\d:\\d\\d)\","
                        + "\"remote_addr\":\"127\\.0\\.0\\.1\",\"user\":null,\"method\":\"GET\",\"host\":\"x\","
                        + "\"uri\":\"/missing\\.txt\","
                        + "\"protocol\":\"HTTP/1\\.1\",\"status\":404,\"bytes_sent\":10,\"duration_ms\":\\d+\\.\\d{3},"
                        + "\"referer\":null,\"user_agent\":null,\"completed\":true,\"request_id\":null}\n"), line);
            }
            assertEquals("option --log-format must be wisp, combined, common or json",
                    assertThrows(UsageException.class, () -> start("--plain", "--log-format", "xml")).getMessage());
            assertEquals("option --log-format: no line is printed with --quiet", assertThrows(UsageException.class,
                    () -> start("--plain", "--quiet", "--log-format", "common")).getMessage());
        });
    }

    /** What the server printed, once a whole line is there: the access log's line may follow the response. */
    private String awaitPrinted() throws InterruptedException {
        while (!printed.toString(StandardCharsets.UTF_8).endsWith("\n")) {
            Thread.sleep(5);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void compressesTextForAClientThatAcceptsGzip() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.writeString(directory.resolve("notes.txt"), "a line of notes\n".repeat(100));
            try (Server server = start("--plain", "--quiet")) {
                String response = exchange(server, "GET /notes.txt HTTP/1.1\r\nHost: x\r\n"
                        + "Accept-Encoding: gzip\r\nConnection: close\r\n\r\n");
                assertTrue(response.contains("\r\nContent-Encoding: gzip\r\n"), response);
                assertTrue(response.contains("\r\nVary: Accept-Encoding\r\n"), response);
            }
        });
    }

    @Test
    void servesAStoredCopyInTheCodingAClientAcceptsWhenAsked() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.writeString(directory.resolve("app.js"), "let notes = 1;\n".repeat(100));
            Files.writeString(directory.resolve("app.js.br"), "stored br copy");
            Files.writeString(directory.resolve("app.js.gz"), "stored gzip copy");
            String request = "GET /app.js HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n"
                    + "Connection: close\r\n\r\n";
            try (Server server = start("--plain", "--quiet", "--precompressed")) {
                String response = exchange(server, request);
                assertTrue(response.contains("\r\nContent-Encoding: br\r\n"), response);
                assertTrue(response.endsWith("\r\n\r\nstored br copy"), response);
            }
            try (Server server = start("--plain", "--quiet")) {
                String response = exchange(server, request);
                assertTrue(response.contains("\r\nContent-Encoding: gzip\r\n"), response);
                assertTrue(!response.contains("stored"), "compressed by the filter, copies left alone: " + response);
            }
        });
    }

    @Test
    void givesEveryAnswerTheFieldsOfHeaderUnlessItHasItsOwn() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.writeString(directory.resolve("hello.txt"), "hello\n");
            try (Server server = start("--plain", "--quiet", "-H", "Cache-Control: max-age=60", "--header",
                    "X-Content-Type-Options:nosniff", "--rate-limit", "1/m")) {
                String file = exchange(server, "GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertTrue(file.contains("\r\nCache-Control: max-age=60\r\n"), file);
                assertTrue(file.contains("\r\nX-Content-Type-Options: nosniff\r\n"), file);
                String limited = exchange(server, "GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertTrue(limited.startsWith("HTTP/1.1 429 "), limited);
                assertTrue(limited.contains("\r\nCache-Control: max-age=60\r\n"), "a 429 has them too: " + limited);
            }
        });
    }

    @Test
    void uploadLetsPutStoreFilesAndDeleteRemoveThem() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Server server = start("--plain", "--quiet", "--upload")) {
                String stored = exchange(server, "PUT /notes.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n"
                        + "Connection: close\r\n\r\nnotes\n");
                assertTrue(stored.startsWith("HTTP/1.1 201 Created\r\n"), stored);
                assertEquals("notes\n", Files.readString(directory.resolve("notes.txt")));
                String deleted = exchange(server, "DELETE /notes.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertTrue(deleted.startsWith("HTTP/1.1 204 No Content\r\n"), deleted);
                assertTrue(Files.notExists(directory.resolve("notes.txt")));
            }
            try (Server server = start("--plain", "--quiet")) {
                String refused = exchange(server, "PUT /notes.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n"
                        + "Connection: close\r\n\r\nnotes\n");
                assertTrue(refused.startsWith("HTTP/1.1 405 "), refused);
                assertTrue(Files.notExists(directory.resolve("notes.txt")));
            }
            UsageException open = assertThrows(UsageException.class,
                    () -> start("--plain", "--upload", "--bind", "0.0.0.0"));
            assertTrue(open.getMessage().startsWith("--upload on an address other hosts reach needs --auth"),
                    open.getMessage());
        });
    }

    @Test
    void refusesAHeaderNotOfItsForm() {
        for (String header : List.of("no colon", ": empty name", "Bad Name: x", "Content-Length: 5", "X: a\u0001b")) {
            UsageException refused = assertThrows(UsageException.class, () -> start("--plain", "-H", header));
            assertTrue(refused.getMessage().startsWith("option --header"), refused.getMessage());
        }
    }

    @Test
    void echoAnswersWithTheRequest() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Server server = start("--plain")) {
                String response = exchange(server, """
                        PUT /echo?x=1 HTTP/1.1\r
                        Host: example\r
                        X-Thing:  spaced value \r
                        Content-Length: 4\r
                        Connection: close\r
                        \r
                        a\r
                        b""");
                String echoed = """
                        PUT /echo?x=1 HTTP/1.1
                        Host: example
                        X-Thing: spaced value
                        Content-Length: 4
                        Connection: close

                        a\r
                        b""";
                assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
                assertTrue(response.contains("\r\nContent-Type: text/plain\r\n"), response);
                assertTrue(response.contains("\r\nX-Content-Type-Options: nosniff\r\n"), response);
                assertTrue(response.contains("\r\nContent-Length: " + echoed.length() + "\r\n"), response);
                assertTrue(response.endsWith("\r\n\r\n" + echoed), response);
            }
        });
    }

    /**
     * A long body goes through a temporary file (so that many long echoes at once do not fill the heap: 400 HTTP/2
     * streams of 256 KiB filled a 32 MiB one for good, see {@link ServeEchoMemoryIT}), with a length or chunked, over
     * both protocols: with curl, each echo ends with the body byte for byte under a Content-Length that counts it, and
     * no temporary file is left.
     */
    @Test
    void echoesLongBodiesWholeOverBothProtocols() throws Exception {
        byte[] body = new byte[1024 * 1024 + 7];
        new java.util.Random(5).nextBytes(body);
        Path upload = Files.write(directory.resolve("upload.bin"), body);
        Path echoed = directory.resolve("echoed.bin");
        try (Server server = start("--plain")) {
            for (String protocol : List.of("--http1.1", "--http2-prior-knowledge")) {
                for (String framing : List.of("Content-Type: application/octet-stream", "Transfer-Encoding: chunked")) {
                    if (framing.startsWith("Transfer") && protocol.startsWith("--http2")) {
                        continue; // HTTP/2 has no chunked coding
                    }
                    dev.wisp.testing.PeerTools.Result result = dev.wisp.testing.PeerTools.run(Duration.ofSeconds(30),
                            List.of(dev.wisp.testing.PeerTools.require("curl").toString(), "-s", "-S", protocol,
                                    "-H", framing, "--data-binary", "@" + upload, "-o", echoed.toString(),
                                    "-w", "%{http_code} %{size_download}",
                                    "http://127.0.0.1:" + server.port() + "/echo"));
                    String what = protocol + " " + framing;
                    assertEquals(0, result.exitCode(), what + ": " + result.stderr());
                    byte[] got = Files.readAllBytes(echoed);
                    assertEquals("200 " + got.length, result.stdout(), what);
                    byte[] tail = java.util.Arrays.copyOfRange(got, got.length - body.length, got.length);
                    assertTrue(java.util.Arrays.equals(body, tail), what + ": the body echoed byte for byte");
                    String head = new String(got, 0, got.length - body.length, StandardCharsets.ISO_8859_1);
                    assertTrue(head.startsWith("POST /echo HTTP/") && head.endsWith("\n\n"), what + ": " + head);
                }
            }
        }
        try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertEquals(List.of(), left.filter(path -> path.getFileName().toString().startsWith("wisp-echo-"))
                    .toList(), "temporary files left");
        }
    }

    /**
     * RFC 9110 §9.3.8: a TRACE response leaves out the fields likely to hold secrets; other methods echo the
     * credentials a browser attaches by itself without their secrets (a script of the origin could read them back),
     * and every other field.
     */
    @Test
    void echoOfATraceLeavesOutCredentialsAndForwardingFields() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Server server = start("--plain", "--quiet")) {
                String fields = """
                        Host: example\r
                        Authorization: Basic dXNlcjpzZWNyZXQ=\r
                        Proxy-Authorization: Bearer proxy-secret\r
                        Cookie: session=secret; theme=dark\r
                        X-Forwarded-For: 10.0.0.7\r
                        Forwarded: for=10.0.0.7\r
                        x-api-key: key-secret\r
                        X-Thing: kept\r
                        Connection: close\r
                        \r
                        """;
                String traced = exchange(server, "TRACE /echo HTTP/1.1\r\n" + fields);
                assertTrue(traced.startsWith("HTTP/1.1 200 OK\r\n"), traced);
                assertTrue(traced.endsWith("\r\n\r\nTRACE /echo HTTP/1.1\nHost: example\nX-Thing: kept\n"
                        + "Connection: close\n\n"), traced);
                String got = exchange(server, "GET /echo HTTP/1.1\r\n" + fields);
                assertTrue(got.contains("\nAuthorization: Basic [hidden]\nProxy-Authorization: Bearer [hidden]\n"
                        + "Cookie: session=[hidden]; theme=[hidden]\nX-Forwarded-For: 10.0.0.7\n"), got);
                assertTrue(got.contains("\nx-api-key: key-secret\n"), got);
                for (String secret : List.of("dXNlcj", "proxy-secret", "session=secret", "dark")) {
                    assertFalse(got.contains(secret), got);
                }
            }
        });
    }

    @Test
    void servesFilesOfTheDirectory() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.writeString(directory.resolve("hello.txt"), "hello world\n");
            Files.createDirectory(directory.resolve("sub"));
            try (Server server = start("--plain")) {
                String file = exchange(server, "GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertTrue(file.startsWith("HTTP/1.1 200 OK\r\n"), file);
                assertTrue(file.endsWith("\r\n\r\nhello world\n"), file);
                String listing = exchange(server, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertTrue(listing.contains("<a href=\"./sub/\">sub/</a>"), listing);
            }
        });
    }

    @Test
    void noListingOptionHidesDirectories() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Server server = start("--plain", "--no-listing")) {
                String response = exchange(server, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertTrue(response.startsWith("HTTP/1.1 404 Not Found\r\n"), response);
            }
        });
    }

    /**
     * --when-full reject: with every place taken by a connection that may not be closed yet (a head begun under a
     * second ago), a new connection is answered 503 with Retry-After at once, where by default it waits.
     */
    @Test
    void rejectsANewConnectionWhenFullWithWhenFullReject() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Server server = start("--plain", "--quiet", "--max-connections", "1", "--when-full", "reject");
                    Socket held = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                held.getOutputStream().write("GET /echo HTTP/1.1\r\n".getBytes(StandardCharsets.UTF_8));
                String refused = exchange(server, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertTrue(refused.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), refused);
                assertTrue(refused.contains("\r\nRetry-After: 1\r\n") && refused.endsWith("too many connections\n"),
                        refused);
            }
            assertEquals("option --when-full takes wait or reject: 'never'",
                    assertThrows(UsageException.class, () -> start("--plain", "--when-full", "never")).getMessage());
        });
    }

    @Test
    void refusesAClientOverItsConnectionLimit() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Server server = start("--plain", "--quiet", "--max-connections-per-client", "1");
                    Socket held = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                held.setSoTimeout(5_000);
                held.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                assertEquals('H', held.getInputStream().read(), "the first connection is served");
                String refused = exchange(server, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertTrue(refused.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), refused);
            }
        });
    }

    @Test
    void limitsTheRateOfAClient() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Server server = start("--plain", "--quiet", "--rate-limit", "1/m,1")) {
                String request = "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
                assertTrue(exchange(server, request).startsWith("HTTP/1.1 200 OK\r\n"));
                assertTrue(exchange(server, request).startsWith("HTTP/1.1 200 OK\r\n"), "the burst of one");
                String limited = exchange(server, request);
                assertTrue(limited.startsWith("HTTP/1.1 429 Too Many Requests\r\n"), limited);
                assertTrue(limited.contains("\r\nRetry-After: "), limited);
            }
        });
    }

    @Test
    void realIpFromTakesTheClientsAddressFromTheTrustedProxyForTheLogAndTheRateLimit() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Server server = start("--plain", "--rate-limit", "1/m", "--real-ip-from", "127.0.0.1, 10.0.0.0/8")) {
                printed.reset();
                String request = "GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Forwarded-For: ";
                assertTrue(exchange(server, request + "192.0.2.1, 10.0.0.7\r\n\r\n").startsWith("HTTP/1.1 404"));
                assertTrue(exchange(server, request + "192.0.2.2\r\n\r\n").startsWith("HTTP/1.1 404"),
                        "another client, behind the same proxy");
                assertTrue(exchange(server, request + "192.0.2.1\r\n\r\n").startsWith("HTTP/1.1 429"));
                List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
                assertEquals(3, lines.size(), lines.toString());
                assertTrue(lines.get(0).contains(" 192.0.2.1 \"GET /missing"), lines.get(0));
                assertTrue(lines.get(1).contains(" 192.0.2.2 \"GET /missing"), lines.get(1));
            }
            assertEquals(ExitCodes.USAGE, Main.run(List.of("serve", directory.toString(), "--real-ip-from",
                    "proxy.example"), new PrintStream(printed), new PrintStream(printed)));
        });
    }

    @Test
    void requestIdGivesEachRequestAnIdentifierInTheAnswerAndTheLog() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Server server = start("--plain", "--log-format", "json", "--request-id")) {
                printed.reset();
                String answer = exchange(server, "GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                String id = answer.lines().filter(line -> line.startsWith("X-Request-Id: ")).findFirst().orElseThrow()
                        .substring("X-Request-Id: ".length());
                assertTrue(id.matches("[0-9a-f]{32}"), answer);
                String line = awaitPrinted();
                assertTrue(line.endsWith(",\"request_id\":\"" + id + "\"}\n"), line);
            }
        });
    }

    @Test
    void stopsListeningWhenStopped() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Server server = start("--plain");
            int port = server.port();
            server.stop(ServeCommand.GRACE);
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
        });
    }
}
