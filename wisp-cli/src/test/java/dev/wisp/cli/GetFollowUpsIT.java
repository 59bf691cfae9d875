package dev.wisp.cli;

import static dev.wisp.cli.GetCommandIT.curl;
import static dev.wisp.cli.GetCommandIT.wisp;
import static dev.wisp.cli.GetCommandIT.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.testing.AbstractSocketPeer;
import dev.wisp.testing.Socks5Peer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wisp get}'s follow-up and connection flags (redirects, auth, cookies, binding) against Wisp's server, with
 * curl as the reference.
 */
class GetFollowUpsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Server server;
    private String base;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .any("/moved", (request, response) -> response.status(303).header("Location", "/seen").send("moved"))
                .get("/loop", (request, response) -> response.status(302).header("Location", "/loop").send(""))
                .any("/seen", (request, response) -> response.send(request.method() + " "
                        + request.headers().firstOrNull("Authorization") + "\n"))
                .get("/set", (request, response) -> response.status(302)
                        .header("Set-Cookie", "id=7; Path=/; HttpOnly").header("Set-Cookie", "lang=en; Max-Age=600")
                        .header("Location", "/cookies").send(""))
                .get("/cookies", (request, response) -> response.send(request.headers().firstOrNull("Cookie") + "\n"))
                .get("/set-utf8", (request, response) -> response
                        .header("Set-Cookie", asField("d=\u00e9t\u00e9; Path=/")).send(""))
                .get("/fields", (request, response) -> response.send((request.headers().firstOrNull("Cookie") + " "
                        + request.headers().firstOrNull("X-Name") + " " + request.headers().firstOrNull("User-Agent")
                        + "\n").getBytes(StandardCharsets.ISO_8859_1)))
                .get("/peer", (request, response) -> response.send(
                        request.connection().remoteAddress().getAddress().getHostAddress() + " "
                                + request.connection().remoteAddress().getPort() + "\n"))
                .get("/to-ftp", (request, response) -> response.status(302).header("Location", "ftp://files.test/x")
                        .send(""))
                .get("/empty-location", (request, response) -> response.status(302).header("Location", "")
                        .send("stay\n"))
                .get("/target", (request, response) -> response.send(request.target().raw() + "\n"))
                .get("/latin1", (request, response) -> response.header("X-Name", "caf\u00e9").send(""))
                .get("/host", (request, response) -> response.send(request.headers().firstOrNull("Host") + "\n"))
                .get("/to-container", (request, response) -> response.status(302)
                        .header("Location", "http://my_svc:" + request.connection().localAddress().getPort() + "/host")
                        .send(""))
                .get("/basic", (request, response) -> {
                    if (request.headers().contains("Authorization")) {
                        response.send(request.headers().firstOrNull("Authorization") + "\n");
                    } else {
                        response.status(401).header("WWW-Authenticate", "Basic realm=\"cli\"").send("");
                    }
                })
                .build();
        server = Server.create(ServerConfig.builder().port(0).build(), router).start();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void followsRedirectsOnlyWithLocationAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals("moved", wisp(base + "/moved").text());
            assertEquals(curl("-s", "-L", "-d", "x", base + "/moved").text(),
                    wisp("-L", "-d", "x", base + "/moved").text());
            assertEquals("GET null\n", wisp("-L", "-X", "POST", base + "/moved").text(),
                    "-X sets the first method only; the 303 makes it GET");
        });
    }

    @Test
    void printsTheHeadOfEveryHopWithIncludeHeadAndDumpHeaderAsCurlDoes(@TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String[][] cases = {{"-i", "-L", base + "/moved"}, {"-I", "-L", base + "/set"},
                {"-D", "-", "-L", base + "/set"}, {"-i", "--anyauth", "-u", "u:p", base + "/basic"}};
            for (String[] arguments : cases) {
                String ours = withoutDate(wisp(arguments).text());
                assertEquals(withoutDate(curl(with(arguments, "-s")).text()), ours, String.join(" ", arguments));
            }
            assertTrue(wisp("-I", "-L", base + "/set").text().contains("\r\nLocation: /cookies\r\n"));
            Path ours = directory.resolve("ours");
            Path theirs = directory.resolve("theirs");
            wisp("-D", ours.toString(), "-L", base + "/moved");
            curl("-s", "-D", theirs.toString(), "-L", base + "/moved");
            assertEquals(withoutDate(Files.readString(theirs)), withoutDate(Files.readString(ours)));
        });
    }

    /** The Date field differs from one response to the next. */
    private static String withoutDate(String head) {
        return head.replaceAll("(?mi)^Date: .*\r\n", "");
    }

    @Test
    void sendsCredentialsAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String basic = "Basic dTpwOnc=\n";
            assertEquals(basic, curl("-s", "-u", "u:p:w", base + "/basic").text());
            assertEquals(basic, wisp("--basic", "-u", "u:p:w", base + "/basic").text());
            assertEquals(basic, wisp("-u", "u:p:w", base + "/basic").text(), "answers the Basic challenge");
            assertEquals(curl("-s", "--anyauth", "-u", "u:p:w", base + "/basic").text(),
                    wisp("--anyauth", "-u", "u:p:w", base + "/basic").text());
            assertEquals(curl("-s", "--oauth2-bearer", "t0ken", base + "/basic").text(),
                    wisp("--oauth2-bearer", "t0ken", base + "/basic").text());
            assertEquals(2, wisp("-u", "nopassword", base + "/basic").exitCode());
        });
    }

    @Test
    void writesAndReadsCookieFilesAsCurlDoes(@TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path ours = directory.resolve("ours.txt");
            Path theirs = directory.resolve("theirs.txt");
            assertEquals("id=7; lang=en\n", wisp("-L", "-c", ours.toString(), base + "/set").text());
            assertEquals("id=7; lang=en\n",
                    sortedCookies(curl("-s", "-L", "-c", theirs.toString(), base + "/set").text()),
                    "curl sends the same cookies, in an order of its own");
            assertEquals(cookieLines(theirs), cookieLines(ours));
            assertEquals("id=7; lang=en\n", sortedCookies(wisp("-b", theirs.toString(), base + "/cookies").text()));
            assertEquals("a=1; b=2\n", wisp("-b", "a=1; b=2", base + "/cookies").text());
            // As curl: a jar's first run reads none and writes it; -b '' keeps cookies across redirects, reads none.
            Path jar = directory.resolve("jar.txt");
            assertEquals("id=7; lang=en\n",
                    wisp("-L", "-b", jar.toString(), "-c", jar.toString(), base + "/set").text());
            assertEquals(cookieLines(theirs), cookieLines(jar));
            assertEquals("id=7; lang=en\n", wisp("-L", "-b", "", base + "/set").text());
            Files.write(directory.resolve("bad.txt"), "127.0.0.1\tFALSE\t/\tFALSE\t0\tc\t1\u0001\n".getBytes(
                    StandardCharsets.ISO_8859_1));
            var bad = wisp("-b", directory.resolve("bad.txt").toString(), base + "/cookies");
            assertEquals(26, bad.exitCode(), bad.stderr());
            assertTrue(bad.stderr().contains("bad.txt:1: a cookie's name or value holds a control character"),
                    bad.stderr());
            var injected = wisp("-b", "c=1\nX-Injected: 4", base + "/cookies");
            assertEquals(2, injected.exitCode(), injected.stderr());
            assertTrue(injected.stderr().startsWith("wisp get: option --cookie: "), injected.stderr());
        });
    }

    /**
     * Field values are bytes: what the command line gave goes out as its UTF-8, and a cookie's bytes are kept in the
     * jar as they came, as curl does, so that the two read each other's jars.
     */
    @Test
    void sendsAndKeepsTheBytesOfFieldsAndCookiesAsCurlDoes(@TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String name = "X-Name: \u00e9t\u00e9 \u65e5\u672c";
            // curl reads them from a file in UTF-8: an argument of a child process would be encoded as this JVM's
            // locale says, ASCII under a C locale.
            Path options = Files.writeString(directory.resolve("curl.conf"), "header = \"" + name
                    + "\"\nuser-agent = \"agent \u00e9\"\ncookie = \"c=\u00e9t\u00e9\"\n", StandardCharsets.UTF_8);
            String theirs = curl("-s", "-K", options.toString(), base + "/fields").text();
            assertEquals(theirs,
                    wisp("-H", name, "-A", "agent \u00e9", "-b", "c=\u00e9t\u00e9", base + "/fields").text());
            assertEquals(asField("c=\u00e9t\u00e9 \u00e9t\u00e9 \u65e5\u672c agent \u00e9\n"), theirs);
            Path ours = directory.resolve("ours.txt");
            Path curls = directory.resolve("curls.txt");
            assertEquals(0, wisp("-c", ours.toString(), base + "/set-utf8").exitCode());
            assertEquals(0, curl("-s", "-c", curls.toString(), base + "/set-utf8").exitCode());
            assertEquals(cookieLines(curls), cookieLines(ours));
            assertTrue(cookieLines(ours).getFirst().endsWith("\td\t\u00e9t\u00e9"), cookieLines(ours).toString());
            assertEquals(curl("-s", "-b", ours.toString(), base + "/cookies").text(),
                    wisp("-b", curls.toString(), base + "/cookies").text(), "each sends the other's jar's bytes");
        });
    }

    /** Text as the bytes of its UTF-8, one char each, as a field's value holds them. */
    private static String asField(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static String sortedCookies(String line) {
        return String.join("; ", java.util.Arrays.stream(line.strip().split("; ")).sorted().toList()) + "\n";
    }

    /** The cookie lines of a cookies.txt, without comments and the expiry time, which differs by a second or so. */
    private static List<String> cookieLines(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(line -> !line.isBlank() && !line.startsWith("# "))
                .map(line -> line.replaceAll("\t\\d{6,}\t", "\tEXPIRES\t")).sorted().toList();
    }

    @Test
    void bindsTheLocalAddressAndPortAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            int port;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            // What the server saw, then what -w says of this end.
            assertEquals("127.0.0.3 " + port + "\n127.0.0.3 " + port, wisp("--interface", "127.0.0.3", "--local-port",
                    String.valueOf(port), "-w", "%{local_ip} %{local_port}", base + "/peer").text());
            GetCommandIT.Run noIpv6 = wisp("-6", base + "/peer");
            assertEquals(7, noIpv6.exitCode(), "no IPv6 address for 127.0.0.1");
            assertTrue(noIpv6.stderr().endsWith(": none of [127.0.0.1] is allowed by -6\n"), noIpv6.stderr());
            assertEquals(2, wisp("--interface", "eth0", base + "/peer").exitCode());
            assertEquals(2, wisp("-x", "socks4://127.0.0.1:1", base + "/peer").exitCode());
        });
    }

    @Test
    void goesThroughASocks5ProxyAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Socks5Peer peer = Socks5Peer.start().credentials("u", "p")) {
                String proxy = "127.0.0.1:" + peer.port();
                String url = "http://localhost:" + server.port() + "/seen";
                assertEquals(curl("-s", "-x", "socks5h://u:p@" + proxy, url).text(),
                        wisp("-x", "socks5h://u:p@" + proxy, url).text());
                assertEquals("GET null\n", wisp("--socks5", proxy, "-U", "u:p", url).text());
                assertEquals("GET null\n", wisp("--socks5-hostname", proxy, "--proxy-user", "u:p", url).text());
                assertEquals(List.of(Socks5Peer.DOMAIN_NAME, Socks5Peer.DOMAIN_NAME, Socks5Peer.IPV4,
                        Socks5Peer.DOMAIN_NAME), peer.requests().stream().map(Socks5Peer.ConnectRequest::addressType)
                        .toList());
                GetCommandIT.Run refused = wisp("--socks5", proxy, "-U", "u:wrong", url);
                assertEquals(97, refused.exitCode(), "curl's code for a proxy handshake failure");
                assertEquals(curl("-s", "--socks5", proxy, "-U", "u:wrong", url).exitCode(), refused.exitCode());
                assertTrue(refused.stderr().contains("user and password refused"), refused.stderr());
                assertEquals("GET null\n", wisp("--socks5", proxy, "--noproxy", "localhost", url).text());
                assertEquals(2, wisp("--socks5", proxy, "-x", "http://" + proxy, url).exitCode());
            }
        });
    }

    @Test
    void resolvesAndSetsTheTypeOfServiceAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            int port = java.net.URI.create(base).getPort();
            String pinned = "http://pinned.test:" + port + "/peer";
            assertTrue(wisp("--resolve", "pinned.test:" + port + ":[::1],127.0.0.1", "--ip-tos", "lowdelay", pinned)
                    .text().startsWith("127.0.0.1 "), "the name resolved as told, IPv4 answering");
            assertEquals(2, wisp("--resolve", "pinned.test:" + port, pinned).exitCode());
            assertEquals(2, wisp("--ip-tos", "fast", base + "/peer").exitCode());
        });
    }

    /**
     * --connect-to sends the connection to another host and port while the request keeps its own Host: the first rule
     * that matches, any host or port for an empty one, an IPv6 host in brackets (brackets around anything else, a
     * name, an IPv4 address, nothing, are a usage error, where curl takes them for a literal name); a malformed rule is
     * a usage error.
     */
    @Test
    void connectsElsewhereWithConnectToAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String to = "127.0.0.1:" + java.net.URI.create(base).getPort();
            String[][] cases = {
                {"--connect-to", "example.test:80:" + to, "http://example.test/host"},
                {"--connect-to", "::" + to, "http://nowhere.test:1/host"},
                {"--connect-to", "other.test:80:127.0.0.2:1", "--connect-to", "example.test::" + to,
                    "http://example.test:8/host"},
                {"--connect-to", "[::1]:80:" + to, "http://[::1]/host"}};
            for (String[] arguments : cases) {
                GetCommandIT.Run ours = wisp(arguments);
                assertEquals(0, ours.exitCode(), String.join(" ", arguments));
                assertEquals(curl(with(arguments, "-s")).text(), ours.text(), String.join(" ", arguments));
            }
            assertEquals("example.test:8\n", wisp(cases[2]).text());
            assertEquals("example.test:8\n", wisp("--connect-to", "example.test:008:127.0.0.1:0" + to.substring(
                    to.indexOf(':') + 1), "http://example.test:8/host").text(), "leading zeros, as curl takes them");
            // Nothing to connect to: the ports are 0 (they were empty before 2026-12-06), the addresses empty.
            String[] refused = {"-w", "%{remote_port}|%{local_port}|%{remote_ip}|%{local_ip}", "http://127.0.0.1:1/"};
            assertEquals(curl(with(refused, "-s")).text(), wisp(with(refused, "-s")).text());
            for (String malformed : List.of("a:80:b", "a:x:b:80", "[::1:80:b:80", "a:80:b:70000", "[]:80:b:80",
                    "[127.0.0.1]:80:b:80", "a:80:[localhost]:80")) {
                assertEquals(2, wisp("--connect-to", malformed, base + "/host").exitCode(), malformed);
            }
        });
    }

    /**
     * A host named with '_' (a container's service name) or non-ASCII letters (sent in its ASCII form, as curl sends
     * it), which java.net.URI finds no host in: refused as a malformed URL, in a redirect's Location too, before
     * 2026-12-05.
     */
    @Test
    void reachesHostsNamedAsContainersAndInternationallyAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            int port = java.net.URI.create(base).getPort();
            String container = "my_svc:" + port;
            assertEquals(container + "\n", wisp("--resolve", container + ":127.0.0.1",
                    "http://" + container + "/host").text());
            assertEquals(container + "\n", wisp("-L", "--resolve", container + ":127.0.0.1",
                    base + "/to-container").text());
            assertEquals("Basic YTpi\n", wisp("--basic", "--resolve", container + ":127.0.0.1",
                    "http://a:b@" + container + "/basic").text(), "the userinfo's credentials, as for any host");
            String ascii = "xn--bcher-kva.example:" + port;
            assertEquals(ascii + "\n", wisp("--resolve", ascii + ":127.0.0.1",
                    "http://b\u00fccher.example:" + port + "/host").text());
        });
    }

    /**
     * A redirect -L refuses (to ftp:) is reported as curl reports it: its status, the redirect counted, where it
     * pointed, exit 1 (000 and 0 before 2026-12-05); an empty Location is no redirect, as curl takes it (it was
     * followed back to the same URL until the maximum).
     */
    @Test
    void reportsARefusedRedirectAndTakesAnEmptyLocationForNoneAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            var refused = wisp("-sL", "-w", "%{http_code} %{num_redirects} %{redirect_url}", base + "/to-ftp");
            assertEquals(1, refused.exitCode());
            assertEquals("302 1 ftp://files.test/x", refused.text());
            var empty = wisp("-sL", "-w", "%{http_code} %{num_redirects} [%{redirect_url}]", base + "/empty-location");
            assertEquals(0, empty.exitCode());
            assertEquals("stay\n302 0 []", empty.text());
        });
    }

    /** curl's "no limit": -m 0 and --max-redirs -1, usage errors before 2026-12-05. */
    @Test
    void takesZeroTimeAndMinusOneRedirectsForNoLimitAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals("GET null\n", wisp("-m", "0", "-L", "--max-redirs", "-1", base + "/moved").text());
            assertEquals(2, wisp("--max-redirs", "-2", base + "/moved").exitCode());
        });
    }

    /**
     * Characters a URI cannot hold, typed in a URL, go percent-encoded as a browser sends them (curl sends them as
     * typed); refused as a malformed URL (exit 3) before 2026-12-05, while the same in a Location was encoded.
     */
    @Test
    void sendsTheCharactersAUriCannotHoldPercentEncoded() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            assertEquals("/target?a=x%7Cy&b=%22q%22&c=%5E&d=%60&e=%25zz&f=%41&g=%5B1%5D\n",
                    wisp(base + "/target?a=x|y&b=\"q\"&c=^&d=`&e=%zz&f=%41&g=[1]").text());
            assertEquals("http://[::1]:8080/a%5Bb%5D?c=%5Bd%5D", GetRequests.uri("http://[::1]:8080/a[b]?c=[d]")
                    .toString(), "an IPv6 host keeps its brackets");
        });
    }

    /**
     * A server that answers a redirect, then closes without answering what it pointed to, on that connection and on
     * the new one the retry takes: an empty reply, exit 52 as curl's (56 before 2026-12-05, the retry hiding it).
     */
    @Test
    void exits52ForAnEmptyReplyAfterARedirectAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
                Thread.ofVirtual().start(() -> {
                    for (int connection = 0; connection < 4; connection++) {
                        try (java.net.Socket socket = listener.accept()) {
                            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                                    StandardCharsets.ISO_8859_1));
                            for (String line; (line = in.readLine()) != null && line.startsWith("GET /start "); ) {
                                while (!in.readLine().isEmpty()) {
                                    // the rest of the head
                                }
                                socket.getOutputStream().write(("HTTP/1.1 302 Found\r\nLocation: /empty\r\n"
                                        + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                            }
                        } catch (IOException e) {
                            return; // the listener closed
                        }
                    }
                });
                String url = "http://127.0.0.1:" + listener.getLocalPort() + "/start";
                assertEquals(52, wisp("-sL", url).exitCode());
                assertEquals(52, curl("-sL", url).exitCode());
            }
        });
    }

    /**
     * {@code %header{NAME}} writes the field's bytes as they came, as -i and curl write them, on a terminal's UTF-8
     * output too: a Latin-1 é went out as UTF-8's two bytes.
     */
    @Test
    void writesAHeaderFieldsBytesAsTheyCame() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int code = Main.run(List.of("get", "-s", "-w", "%header{X-Name}|\u2192", base + "/latin1"),
                    new java.io.PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            assertEquals(0, code);
            byte[] expected = {'c', 'a', 'f', (byte) 0xe9, '|', (byte) 0xe2, (byte) 0x86, (byte) 0x92};
            assertEquals(java.util.HexFormat.of().formatHex(expected), java.util.HexFormat.of().formatHex(
                    out.toByteArray()), "the field's Latin-1 byte, the format's own text in UTF-8");
        });
    }

    @Test
    void talksOverAUnixSocketAsCurlDoes(@TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            Path socket = directory.resolve("peer.sock");
            try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                listener.bind(UnixDomainSocketAddress.of(socket));
                Thread peer = Thread.ofVirtual().start(() -> answerHeads(listener, 2));
                String ours = wisp("--unix-socket", socket.toString(), "http://device.local/x?y").text();
                String theirs = curl("-s", "--unix-socket", socket.toString(), "http://device.local/x?y").text();
                peer.join();
                assertEquals("GET /x?y HTTP/1.1 for device.local\n", ours);
                assertEquals(theirs, ours);
            }
        });
    }

    @Test
    void talksOverAnAbstractUnixSocketAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            try (AbstractSocketPeer peer = AbstractSocketPeer.start()) {
                String theirs = curl("-s", "--abstract-unix-socket", peer.name(), "http://device.local/x?y").text();
                String ours = wisp("--abstract-unix-socket", peer.name(), "http://device.local/x?y").text();
                assertEquals("GET /x?y on connection 1 for device.local", theirs);
                assertEquals("GET /x?y on connection 2 for device.local", ours);
                GetCommandIT.Run refused = wisp("--abstract-unix-socket", peer.name() + "-missing", "http://x/");
                assertEquals(7, refused.exitCode());
                assertEquals(curl("-s", "--abstract-unix-socket", peer.name() + "-missing", "http://x/").exitCode(),
                        refused.exitCode());
                assertEquals("wisp get: connection to abstract Unix socket @" + peer.name()
                        + "-missing (for x) refused\n", refused.stderr());
            }
        });
    }

    /** Answers each of {@code count} connections with its request line and Host, then closes it. */
    private static void answerHeads(ServerSocketChannel listener, int count) {
        for (int i = 0; i < count; i++) {
            try (SocketChannel channel = listener.accept()) {
                var reader = new java.io.BufferedReader(new java.io.InputStreamReader(
                        java.nio.channels.Channels.newInputStream(channel), StandardCharsets.ISO_8859_1));
                String requestLine = reader.readLine();
                String host = "";
                for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
                    host = line.regionMatches(true, 0, "Host:", 0, 5) ? line.substring(5).strip() : host;
                }
                byte[] body = (requestLine + " for " + host + "\n").getBytes(StandardCharsets.ISO_8859_1);
                channel.write(ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));
                channel.write(ByteBuffer.wrap(body));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @Test
    void exitsWithCurlsCodeForTooManyRedirects() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            GetCommandIT.Run ours = wisp("-L", "--max-redirs", "3", base + "/loop");
            GetCommandIT.Run theirs = curl("-s", "-L", "--max-redirs", "3", base + "/loop");
            assertEquals(47, ours.exitCode());
            assertEquals(theirs.exitCode(), ours.exitCode());
            assertTrue(ours.stderr().contains("more than 3 redirects"), ours.stderr());
        });
    }

    @Test
    void writesOutAsCurlDoes(@TempDir Path directory) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String format = "%{http_code} %{response_code} %{http_version} %{content_type} %{size_download}"
                    + " %{num_redirects} %{url} %{url_effective} [%{redirect_url}] %{method} %{remote_ip}"
                    + " %{remote_port} [%header{Location}] %{exitcode} %{scheme} %{size_header} %{size_request}"
                    + " %{size_upload} %{num_headers} %{num_connects} %{filename_effective} %{urlnum} [%{referer}]"
                    + " 100%%\\n";
            String[][] cases = {{base + "/moved"}, {"-L", base + "/moved"}, {"-L", "-d", "x", base + "/moved"},
                {"-I", base + "/seen"}, {"-L", "--max-redirs", "2", base + "/loop"},
                {"-e", "http://a/", base + "/seen"}};
            for (String[] arguments : cases) {
                // The same request head as curl's, so that the bytes sent compare too.
                List<String> common = new ArrayList<>(List.of("-A", "t", "-H", "Accept: */*", "-o", "/dev/null",
                        "-w", format));
                common.addAll(List.of(arguments));
                List<String> theirs = new ArrayList<>(List.of("-s"));
                theirs.addAll(common);
                GetCommandIT.Run expected = curl(theirs.toArray(String[]::new));
                GetCommandIT.Run ours = wisp(common.toArray(String[]::new));
                assertEquals(expected.text(), ours.text(), String.join(" ", arguments));
                assertEquals(expected.exitCode(), ours.exitCode(), String.join(" ", arguments));
            }

            String refused;
            try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                refused = "http://127.0.0.1:" + closed.getLocalPort() + "/";
            }
            assertEquals("000 7\n", wisp("-s", "-w", "%{http_code} %{exitcode}\\n", refused).text());
            assertEquals("000 7\n", curl("-s", "-w", "%{http_code} %{exitcode}\\n", refused).text());

            String[] times = wisp("-o", "/dev/null", "-w", "%{time_namelookup} %{time_connect} %{time_starttransfer}"
                    + " %{time_total}", base + "/seen").text().split(" ");
            assertEquals(4, times.length);
            double connect = Double.parseDouble(times[1]);
            double firstByte = Double.parseDouble(times[2]);
            double total = Double.parseDouble(times[3]);
            assertTrue(connect <= firstByte && firstByte <= total && total > 0, String.join(" ", times));
            // Past a redirect the first byte is timed from the last request, the redirects apart, as curl times them.
            String[] redirected = wisp("-L", "-o", "/dev/null", "-w", "%{time_redirect} %{time_starttransfer}"
                    + " %{time_total}", base + "/moved").text().split(" ");
            double redirect = Double.parseDouble(redirected[0]);
            double lastFirstByte = Double.parseDouble(redirected[1]);
            double redirectedTotal = Double.parseDouble(redirected[2]);
            assertTrue(redirect > 0 && redirect <= redirectedTotal
                    && lastFirstByte <= redirectedTotal - redirect + 0.001, String.join(" ", redirected));
            assertEquals("0.000000", wisp("-o", "/dev/null", "-w", "%{time_redirect}", base + "/seen").text());

            GetCommandIT.Run verbose = wisp("-v", "-L", "-o", "/dev/null", "-w", "%{num_redirects} %{remote_port}",
                    base + "/moved");
            assertEquals("1 " + server.port(), verbose.text(), "-w beside -v: both see the call's events");
            assertTrue(verbose.stderr().contains("< HTTP/1.1 303 See Other\n"), verbose.stderr());

            Path formatFile = Files.writeString(directory.resolve("format.txt"), "%{http_code}\\n");
            assertEquals("200\n", wisp("-o", "/dev/null", "-w", "@" + formatFile, base + "/seen").text());
            GetCommandIT.Run unknown = wisp("-o", "/dev/null", "-w", "[%{nothing}]", base + "/seen");
            assertEquals("[]", unknown.text());
            assertTrue(unknown.stderr().contains("unknown --write-out variable: 'nothing'"), unknown.stderr());
        });
    }

    @Test
    void writesOutJsonAndToEitherStreamAsCurlDoes() {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            String refused;
            try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                refused = "http://127.0.0.1:" + closed.getLocalPort() + "/";
            }
            // Every member wisp writes is curl's, and the same but for the times, the ports and the message.
            for (String[] arguments : new String[][] {{"-L", base + "/moved"}, {"-d", "x", base + "/seen"},
                {refused}}) {
                Map<String, String> ours = jsonMembers(wisp(with(arguments, "-w", "%{json}")).text());
                Map<String, String> theirs = jsonMembers(curl(with(arguments, "-s", "-w", "%{json}")).text());
                assertTrue(ours.size() >= 30, ours.toString());
                for (Map.Entry<String, String> member : ours.entrySet()) {
                    String name = member.getKey();
                    assertTrue(theirs.containsKey(name), name + " is not curl's: " + theirs.keySet());
                    if (!name.startsWith("time_") && !name.startsWith("speed_") && !name.equals("local_port")
                            && !name.equals("errormsg") && !name.equals("size_request") && !name.equals("scheme")) {
                        assertEquals(theirs.get(name), member.getValue(), name + " of " + String.join(" ", arguments));
                    }
                }
            }
            // Both answer with a Date, which may differ by a second.
            String[] headerJson = {"-o", "/dev/null", "-w", "%{header_json}", base + "/seen"};
            assertEquals(curl(with(headerJson, "-s")).text().replaceAll("\"date\":\\[[^\\]]*\\]", "DATE"),
                    wisp(headerJson).text().replaceAll("\"date\":\\[[^\\]]*\\]", "DATE"));

            String[] streams = {"-o", "/dev/null", "-w", "a%{stderr}b%{stdout}c%{onerror}d", base + "/seen"};
            GetCommandIT.Run ours = wisp(streams);
            GetCommandIT.Run theirs = curl(with(streams, "-s"));
            assertEquals("ac", ours.text());
            assertEquals(theirs.text(), ours.text());
            assertEquals("b", ours.stderr());
            assertEquals(theirs.stderr(), ours.stderr());
            String[] failing = {"-s", "-w", "a%{onerror}b", refused};
            assertEquals("ab", wisp(failing).text(), "what follows %{onerror} is written for a failure only");
            assertEquals(curl(failing).text(), wisp(failing).text());
        });
    }

    /** The members of a flat JSON object as their names and their values' text, strings with their quotes. */
    private static Map<String, String> jsonMembers(String json) {
        Map<String, String> members = new TreeMap<>();
        Matcher member = Pattern.compile("\"(\\w+)\":(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}]*)").matcher(json);
        while (member.find()) {
            members.put(member.group(1), member.group(2));
        }
        return members;
    }
}
