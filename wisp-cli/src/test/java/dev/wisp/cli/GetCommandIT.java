package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Server;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.SmallDisk;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wisp get} against {@code wisp serve}, with curl as the reference for what it prints and exits with. */
class GetCommandIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;
    private Server server;
    private String base;
    private byte[] binary;

    /** What a run printed and returned. */
    record Run(int exitCode, byte[] stdout, String stderr) {
        String text() {
            return new String(stdout, StandardCharsets.ISO_8859_1);
        }
    }

    @BeforeEach
    void start() throws Exception {
        binary = new byte[300_000];
        new Random(7).nextBytes(binary);
        Files.write(directory.resolve("data.bin"), binary);
        Files.writeString(directory.resolve("hello.txt"), "hello world\n");
        server = ServeCommand.start(List.of(directory.toString(), "--plain", "--port", "0"),
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ZERO);
    }

    static Run wisp(String... arguments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> command = new ArrayList<>(List.of("get"));
        command.addAll(List.of(arguments));
        int code = Main.run(command, new PrintStream(out, true, StandardCharsets.ISO_8859_1),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    static Run curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString()));
        command.addAll(List.of(arguments));
        PeerTools.Result result = PeerTools.run(TIMEOUT, command);
        return new Run(result.exitCode(), result.stdout().getBytes(StandardCharsets.ISO_8859_1), result.stderr());
    }

    /** The Date field differs from one response to the next. */
    private static String withoutDate(String head) {
        return head.replaceAll("(?m)^Date: .*\r\n", "");
    }

    @Test
    void writesTheBodyByteForByteAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Run wisp = wisp(base + "/data.bin");
            assertEquals(0, wisp.exitCode(), wisp.stderr());
            assertArrayEquals(binary, wisp.stdout());
            assertArrayEquals(curl("-s", base + "/data.bin").stdout(), wisp.stdout());
        });
    }

    @Test
    void writesOutTheBytesReceivedAsCurlDoesOverEitherVersion() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.writeString(directory.resolve("big.txt"), "compressible words\n".repeat(5_000));
            String format = "%{size_download} %{size_header} %{num_headers} %{http_version} %{speed_download}";
            for (String version : List.of("--http1.1", "--http2-prior-knowledge")) {
                // Received gzipped, written decoded: the bytes received count, and the fields as they came.
                String[] arguments = {version, "--compressed", "-o", "/dev/null", "-w", format, base + "/big.txt"};
                String[] ours = wisp(arguments).text().split(" ");
                String[] theirs = curl(with(arguments, "-s")).text().split(" ");
                assertTrue(Long.parseLong(ours[0]) < 5_000, "the body as received, gzipped: " + ours[0]);
                assertEquals(List.of(theirs).subList(0, 4), List.of(ours).subList(0, 4), version);
                assertTrue(Long.parseLong(ours[4]) > 0, "a speed: " + ours[4]);
            }
        });
    }

    @Test
    void printsTheHeadAsReceivedWithCompressedAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.writeString(directory.resolve("big.txt"), "compressible words\n".repeat(500));
            String[] arguments = {"--compressed", "-D", "-", "-o", "/dev/null", "-w",
                "%header{content-encoding} %header{content-length} %{num_headers}", base + "/big.txt"};
            String ours = wisp(arguments).text();
            assertEquals(withoutDate(curl(with(arguments, "-s")).text()), withoutDate(ours));
            assertTrue(ours.contains("\r\nContent-Encoding: gzip\r\n"), ours);
            long fields = ours.substring(0, ours.indexOf("\r\n\r\n")).lines().count() - 1;
            assertTrue(ours.endsWith(" " + fields), "-D and %{num_headers} agree: " + ours);
        });
    }

    /** The arguments with more before them. */
    static String[] with(String[] arguments, String... before) {
        List<String> all = new ArrayList<>(List.of(before));
        all.addAll(List.of(arguments));
        return all.toArray(String[]::new);
    }

    @Test
    void printsTheHeadWithIncludeAndHeadAsCurlDoesToStdoutOrTheOutputFile() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals(withoutDate(curl("-s", "-i", base + "/hello.txt").text()),
                    withoutDate(wisp("-i", base + "/hello.txt").text()));
            assertEquals(withoutDate(curl("-s", "-I", base + "/hello.txt").text()),
                    withoutDate(wisp("-I", base + "/hello.txt").text()));
            assertEquals(withoutDate(curl("-s", "-I", "-X", "GET", base + "/hello.txt").text()),
                    withoutDate(wisp("-I", "-X", "GET", base + "/hello.txt").text()), "-I prints no body");
            assertEquals(withoutDate(curl("-s", "-I", "-G", "-d", "q=1", base + "/hello.txt").text()),
                    withoutDate(wisp("-I", "-G", "-d", "q=1", base + "/hello.txt").text()), "-G keeps HEAD");
            for (String option : List.of("-i", "-I")) {
                Path fromCurl = directory.resolve("curl" + option);
                Path fromWisp = directory.resolve("wisp" + option);
                assertEquals(0, curl("-s", option, "-o", fromCurl.toString(), base + "/hello.txt").stdout().length);
                assertEquals(0, wisp(option, "-o", fromWisp.toString(), base + "/hello.txt").stdout().length);
                assertEquals(withoutDate(Files.readString(fromCurl)), withoutDate(Files.readString(fromWisp)));
            }
        });
    }

    @Test
    void postsDataAndHeadersAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Files.writeString(directory.resolve("form.txt"), "a=1\r\n&b=2\n");
            String[][] cases = {
                {"-d", "x=1&y=2"},
                {"-d", "@" + directory.resolve("form.txt")},
                {"--data-binary", "@" + directory.resolve("form.txt"), "-H", "Content-Type: text/plain"},
                {"-X", "PUT", "-d", "put body"},
                {"-d", "a=1", "-d", "b=2", "--data-binary", "@" + directory.resolve("form.txt"), "-d", "c=3"},
                {"--data-binary", "@" + directory.resolve("form.txt")},
                {"-H", "X-Empty;", "-H", "X-Gone:", "-d", "z"},
                {"--data-raw", "@not-a-file&x=1", "-d", "y=2"},
                {"-G", "-d", "q=1", "--data-urlencode", "r=a b&c"},
                {"--json", "{\"a\": 1}"},
                {"--json", "@" + directory.resolve("form.txt"), "-H", "Content-Type: application/vnd.api+json"},
                {"-X", "PATCH", "--json", "[]"},
                {"-T", directory.resolve("form.txt").toString()},
                {"-e", "http://referrer.example/page", "-r", "0-9"},
            };
            for (String[] options : cases) {
                List<String> arguments = new ArrayList<>(List.of(options));
                arguments.add(base + "/echo");
                String fromWisp = wisp(arguments.toArray(String[]::new)).text();
                arguments.addFirst("-s");
                String fromCurl = curl(arguments.toArray(String[]::new)).text();
                assertEquals(withoutAgent(fromCurl), withoutAgent(fromWisp), String.join(" ", options));
            }
        });
    }

    @Test
    void readsStandardInputForDataJsonAndUploadsAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String input = "a=1\r\n&b=2\n";
            String[][] cases = {{"-d", "@-"}, {"--data-binary", "@-"}, {"--json", "@-"}, {"-T", "-"},
                {"-d", "x=0", "--data-binary", "@-"}};
            for (String[] options : cases) {
                List<String> arguments = new ArrayList<>(List.of(options));
                arguments.add(base + "/echo");
                Run ours = wispWithInput(input, arguments.toArray(String[]::new));
                assertEquals(0, ours.exitCode(), ours.stderr());
                arguments.addFirst("-s");
                List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString()));
                command.addAll(arguments);
                String theirs = PeerTools.runWithInput(TIMEOUT, command, input).stdout();
                assertEquals(withoutAgent(theirs), withoutAgent(ours.text()), String.join(" ", options));
            }
            assertTrue(wispWithInput(input, "-T", "-", base + "/echo").text().contains("Transfer-Encoding: chunked"),
                    "standard input has no length known before it ends");
        });
    }

    /** {@link #wisp} with this text (ISO-8859-1) on standard input. */
    static Run wispWithInput(String input, String... arguments) throws UsageException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new GetCommand(new ByteArrayInputStream(input.getBytes(StandardCharsets.ISO_8859_1)), Map.of())
                .run(List.of(arguments), new PrintStream(out, true, StandardCharsets.ISO_8859_1),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sendsTheNamedFieldsOfAAndJsonAndAcceptAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            for (String[] options : new String[][] {{"-A", "agent/1.0"}, {"--json", "{}"}}) {
                List<String> arguments = new ArrayList<>(List.of(options));
                arguments.add(base + "/echo");
                List<String> ours = wisp(arguments.toArray(String[]::new)).text().lines()
                        .filter(line -> line.startsWith("User-Agent:") || line.startsWith("Accept:")).toList();
                arguments.addFirst("-s");
                List<String> theirs = curl(arguments.toArray(String[]::new)).text().lines()
                        .filter(line -> line.startsWith("User-Agent:") || line.startsWith("Accept:")).toList();
                if (options[0].equals("-A")) {
                    assertTrue(ours.contains("User-Agent: agent/1.0"), ours.toString());
                    assertTrue(theirs.contains("User-Agent: agent/1.0"), theirs.toString());
                } else {
                    assertTrue(ours.contains("Accept: application/json"), ours.toString());
                    assertTrue(theirs.contains("Accept: application/json"), theirs.toString());
                }
            }
            // Accept: */* unless told otherwise, as curl sends it.
            for (String[] options : new String[][] {{}, {"-H", "Accept:"}, {"-H", "Accept: text/html"},
                {"-H", "Accept;"}, {"--json", "{}"}}) {
                List<String> arguments = new ArrayList<>(List.of(options));
                arguments.add(base + "/echo");
                List<String> ours = wisp(arguments.toArray(String[]::new)).text().lines()
                        .filter(line -> line.startsWith("Accept:")).toList();
                arguments.addFirst("-s");
                List<String> theirs = curl(arguments.toArray(String[]::new)).text().lines()
                        .filter(line -> line.startsWith("Accept:")).toList();
                assertEquals(theirs, ours, String.join(" ", options));
            }
            assertEquals(List.of("Accept: */*"), wisp(base + "/echo").text().lines()
                    .filter(line -> line.startsWith("Accept:")).toList());
        });
    }

    @Test
    void uploadsAsCurlDoesToAFolderUrlAndWithThe100ContinueHeadPrintedAndCounted() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path upload = Files.writeString(directory.resolve("up load.txt"), "up\n");
            String[] arguments = {"-o", "/dev/null", "-w", "%{method} %{url_effective}", "-T", upload.toString(),
                base + "/"};
            Run ours = wisp(arguments);
            assertEquals("PUT " + base + "/up%20load.txt", ours.text(), ours.stderr());
            assertEquals(curl(with(arguments, "-s")).text(), ours.text());
            // -i prints the interim head before the final one and -w's size_header counts it, as curl's do.
            String[] echo = {"-i", "-A", "t", "-w", "%{size_header}", "-T", upload.toString(), base + "/echo"};
            Run echoed = wisp(echo);
            assertTrue(echoed.text().startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), echoed.text());
            assertEquals(withoutDate(curl(with(echo, "-s")).text()), withoutDate(echoed.text()));
        });
    }

    @Test
    void namesTheFileAfterTheUrlWithRemoteNameAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path ours = Files.createDirectory(directory.resolve("ours"));
            Path theirs = Files.createDirectory(directory.resolve("theirs"));
            assertEquals(0, wisp("-O", "--output-dir", ours.toString(), base + "/data.bin").exitCode());
            assertEquals(0, curl("-s", "-O", "--output-dir", theirs.toString(), base + "/data.bin").exitCode());
            assertArrayEquals(binary, Files.readAllBytes(ours.resolve("data.bin")));
            assertArrayEquals(Files.readAllBytes(theirs.resolve("data.bin")),
                    Files.readAllBytes(ours.resolve("data.bin")));

            Run nameless = wisp("-O", "--output-dir", ours.toString(), base + "/");
            assertEquals(curl("-s", "-O", "--output-dir", theirs.toString(), base + "/").exitCode(),
                    nameless.exitCode());
            assertEquals(23, nameless.exitCode());
            assertTrue(nameless.stderr().contains("no file name"), nameless.stderr());
            assertEquals(2, wisp("-O", "-o", "x", base + "/data.bin").exitCode(), "-o and -O together");
        });
    }

    @Test
    void takesShortOptionsTogetherAndShowsErrorsWithCapitalSAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Run ours = wisp("-fsSL", base + "/missing");
            Run theirs = curl("-fsSL", base + "/missing");
            assertEquals(22, ours.exitCode());
            assertEquals(theirs.exitCode(), ours.exitCode());
            assertTrue(ours.stderr().contains("404") && theirs.stderr().contains("404"), ours.stderr());
            assertEquals("", wisp("-fs", base + "/missing").stderr());
            assertEquals("", curl("-fs", base + "/missing").stderr());

            Path spaced = directory.resolve("spaced.txt");
            Path joined = directory.resolve("joined.txt");
            assertEquals(0, wisp("-sSo", spaced.toString(), base + "/hello.txt").exitCode());
            assertEquals(0, wisp("-so" + joined, base + "/hello.txt").exitCode());
            assertEquals("hello world\n", Files.readString(spaced));
            assertEquals("hello world\n", Files.readString(joined));
            Run unknown = wisp("-fy", base + "/hello.txt");
            assertEquals(2, unknown.exitCode());
            assertTrue(unknown.stderr().contains("'-y' in '-fy'"), unknown.stderr());
        });
    }

    @Test
    void failsWithBodyDumpsHeadersAndCreatesFoldersAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Run ours = wisp("--fail-with-body", base + "/missing");
            Run theirs = curl("-s", "--fail-with-body", base + "/missing");
            assertEquals(22, ours.exitCode());
            assertEquals(theirs.exitCode(), ours.exitCode());
            assertFalse(ours.text().isEmpty());
            assertEquals(theirs.text(), ours.text(), "the error page, printed");
            for (String[] headed : new String[][] {{"-f", "-i"}, {"-f", "-D", "-"}, {"-f", "-I"}}) {
                String[] arguments = with(new String[] {base + "/missing"}, headed);
                Run headOnly = wisp(arguments);
                assertEquals(22, headOnly.exitCode());
                assertTrue(headOnly.text().startsWith("HTTP/1.1 404 "), "the head, as curl's: " + headOnly.text());
                assertEquals(withoutDate(curl(with(arguments, "-s")).text()), withoutDate(headOnly.text()));
            }
            String[] failing = {"-f", "-w", "[%{errormsg}] %{exitcode}", base + "/missing"};
            assertEquals(curl(with(failing, "-s")).text(), wisp(failing).text());
            // Where curl 7.88 writes its generic "HTTP response code said error", the message that -f gives.
            assertEquals("not found\n[The requested URL returned error: 404] 22",
                    wisp("--fail-with-body", "-w", "[%{errormsg}] %{exitcode}", base + "/missing").text());

            assertEquals(withoutDate(curl("-s", "-D", "-", base + "/hello.txt").text()),
                    withoutDate(wisp("-D", "-", base + "/hello.txt").text()));
            Path ourHead = directory.resolve("our-head.txt");
            Path theirHead = directory.resolve("their-head.txt");
            assertEquals("hello world\n", wisp("-D", ourHead.toString(), base + "/hello.txt").text());
            curl("-s", "-D", theirHead.toString(), base + "/hello.txt");
            assertEquals(withoutDate(Files.readString(theirHead)), withoutDate(Files.readString(ourHead)));

            Path nested = directory.resolve("a").resolve("b").resolve("hello.txt");
            assertEquals(23, wisp("-o", nested.toString(), base + "/hello.txt").exitCode());
            assertEquals(23, curl("-s", "-o", nested.toString(), base + "/hello.txt").exitCode());
            assertEquals(0, wisp("--create-dirs", "-o", nested.toString(), base + "/hello.txt").exitCode());
            assertEquals("hello world\n", Files.readString(nested));
        });
    }

    @Test
    void sendsNoUserAgentForAnEmptyHeaderOptionAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            for (Run run : List.of(wisp("-H", "User-Agent:", base + "/echo"),
                    curl("-s", "-H", "User-Agent:", base + "/echo"))) {
                assertTrue(run.text().startsWith("GET /echo HTTP/1.1"), run.text());
                assertFalse(run.text().toLowerCase(Locale.ROOT).contains("user-agent"), run.text());
            }
        });
    }

    /**
     * The echo shows the request head; the User-Agent and Accept fields are the clients' own, and the order of
     * fields is each client's choice, so the lines are compared sorted.
     */
    private static List<String> withoutAgent(String echo) {
        return echo.replaceAll("(?mi)^(User-Agent|Accept): .*\r?\n", "").lines().sorted().toList();
    }

    @Test
    void writesToAFileAndExitsWithCurlsCodes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path target = directory.resolve("copy.bin");
            Run saved = wisp("-o", target.toString(), base + "/data.bin");
            assertEquals(0, saved.exitCode());
            assertEquals(0, saved.stdout().length);
            assertArrayEquals(binary, Files.readAllBytes(target));
            try {
                Run toStdout = wisp("-o", "-", base + "/data.bin");
                assertEquals(0, toStdout.exitCode(), toStdout.stderr());
                assertArrayEquals(binary, toStdout.stdout());
                assertFalse(Files.exists(Path.of("-")), "'-o -' is stdout, as for curl, not a file named '-'");
            } finally {
                Files.deleteIfExists(Path.of("-"));
            }

            assertEquals(curl("-s", "--fail", base + "/missing").exitCode(),
                    wisp("--fail", base + "/missing").exitCode());
            assertEquals(22, wisp("-s", "--fail", base + "/missing").exitCode());
            assertEquals(0, wisp(base + "/missing").exitCode());

            int closedPort;
            try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closedPort = closed.getLocalPort();
            }
            Run refused = wisp("http://127.0.0.1:" + closedPort + "/");
            assertEquals(7, refused.exitCode());
            assertEquals(curl("-s", "http://127.0.0.1:" + closedPort + "/").exitCode(), refused.exitCode());
            assertTrue(refused.stderr().startsWith("wisp get: connection to 127.0.0.1:" + closedPort),
                    refused.stderr());
            assertEquals(26, wisp("-d", "@" + directory.resolve("absent"), base + "/echo").exitCode());
            assertEquals(2, wisp().exitCode());
        });
    }

    @Test
    void anOutputFileThatCannotBeOpenedExits23SayingWhy() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path missing = directory.resolve("absent-directory").resolve("copy.bin");
            Run run = wisp("-o", missing.toString(), base + "/data.bin");
            assertEquals(curl("-s", "-o", missing.toString(), base + "/data.bin").exitCode(), run.exitCode());
            assertEquals(23, run.exitCode());
            assertEquals("wisp get: cannot write " + missing + ": no such file or directory\n", run.stderr());
        });
    }

    @Test
    void aFullDiskUnderTheOutputExits23AsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (SmallDisk disk = SmallDisk.mount(directory, 64)) {
                Path curlOut = disk.path().resolve("curl.bin");
                PeerTools.Result curl = PeerTools.run(TIMEOUT, List.of("sh", "-c", "exec \"$0\" -s \"$1\" > \"$2\"",
                        PeerTools.require("curl").toString(), base + "/data.bin", curlOut.toString()));
                assertEquals(23, curl.exitCode(), "curl, standard output on the full disk");
                Files.delete(curlOut);

                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int code;
                try (PrintStream stdout = new PrintStream(Files.newOutputStream(disk.path().resolve("wisp.bin")))) {
                    code = Main.run(List.of("get", base + "/data.bin"), stdout,
                            new PrintStream(err, true, StandardCharsets.UTF_8));
                }
                assertEquals(23, code, "standard output on the full disk: " + err);
                assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("wisp get: cannot write the output"),
                        err.toString(StandardCharsets.UTF_8));

                Path file = disk.path().resolve("file.bin");
                Run toFile = wisp("-o", file.toString(), base + "/data.bin");
                assertEquals(23, toFile.exitCode(), "-o on the full disk");
                assertEquals("wisp get: cannot write " + file + ": No space left on device\n", toFile.stderr());
            }
        });
    }

    @Test
    void printsHeadsAndTimingWithVerbose() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Run verbose = wisp("-v", base + "/hello.txt");
            assertEquals("hello world\n", verbose.text());
            assertTrue(verbose.stderr().contains("> GET /hello.txt HTTP/1.1\n> Host: 127.0.0.1:" + server.port()),
                    verbose.stderr());
            assertTrue(verbose.stderr().contains("< HTTP/1.1 200 OK\n"), verbose.stderr());
            assertTrue(verbose.stderr().contains("* dns "), verbose.stderr());
        });
    }

    @Test
    void printsTheStatusLineAsReceivedWithIncludeAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            for (String statusLine : List.of("HTTP/1.1 200 ", "HTTP/1.1 200 Fine", "HTTP/1.1 404 Gone Fishing")) {
                String response = statusLine + "\r\nContent-Length: 3\r\nConnection: close\r\n\r\nyes";
                try (ServerSocket listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
                    Thread.ofVirtual().start(() -> answerEach(listener, response));
                    String url = "http://127.0.0.1:" + listener.getLocalPort() + "/";
                    Run wisp = wisp("-i", url);
                    assertEquals(statusLine + "\r\n", wisp.text().substring(0, wisp.text().indexOf('\n') + 1));
                    assertEquals(curl("-s", "-i", url).text(), wisp.text());
                }
            }
        });
    }

    /** Answers every connection with the same bytes once its request head has arrived, until the listener closes. */
    static void answerEach(ServerSocket listener, String response) {
        while (true) {
            try (Socket socket = listener.accept()) {
                InputStream in = socket.getInputStream();
                int matched = 0;
                while (matched < 4) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
                }
                socket.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
            } catch (IOException e) {
                return; // the listener closed: the test is over
            }
        }
    }
}
