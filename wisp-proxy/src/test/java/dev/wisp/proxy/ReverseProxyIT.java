package dev.wisp.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.client.Client;
import dev.wisp.client.ClientConfig;
import dev.wisp.client.Http2Mode;
import dev.wisp.client.Request;
import dev.wisp.client.Response;
import dev.wisp.client.StreamingRequest;
import dev.wisp.core.Headers;
import dev.wisp.core.Status;
import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.filters.Cors;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import dev.wisp.testing.TestCertificate;
import dev.wisp.testing.TestCertificates;
import dev.wisp.tls.TlsConfig;
import dev.wisp.tls.TlsIdentity;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy between real clients (curl, Wisp's client) and an upstream Wisp server that tells what it received:
 * paths, fields, bodies both ways, redirects, failures of the upstream and of the client.
 *
 * <p>Over 500 lines: the cases share one upstream whose routes each tell a part of what the proxy forwarded, and
 * splitting them would repeat it; the proxy's trailers, event streams and WebSockets have classes of their own.
 */
class ReverseProxyIT {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final byte[] LARGE = new byte[5 * 1024 * 1024 + 17];

    static {
        new Random(7).nextBytes(LARGE);
    }

    private Server upstream;
    private final java.util.concurrent.CountDownLatch endlessEnded = new java.util.concurrent.CountDownLatch(1);
    private final List<String> forwardedTargets = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Server> proxies = new ArrayList<>();
    private final List<ReverseProxy> handlers = new ArrayList<>();
    private final Client client = Client.create(ClientConfig.builder().http2(Http2Mode.OFF).build());

    @TempDir
    Path temp;

    @BeforeEach
    void startUpstream() {
        Router router = Router.builder()
                .any("/v1/echo/*", (request, response) -> {
                    forwardedTargets.add(request.target().raw());
                    StringBuilder told = new StringBuilder(request.method() + " " + request.target().raw() + "\n");
                    request.headers().forEach((name, value) -> told.append(name).append(": ").append(value)
                            .append('\n'));
                    byte[] body = request.bodyBytes();
                    told.append("body ").append(body.length).append(' ').append(sha256(body)).append('\n');
                    told.append("framing ").append(request.headers().firstOrNull("Transfer-Encoding")).append('\n');
                    response.send(told.toString());
                })
                .post("/v1/trailers", (request, response) -> response.send(request.bodyBytes().length + " "
                        + request.trailers().firstOrNull("X-Checksum") + " "
                        + request.headers().firstOrNull("Transfer-Encoding") + "\n"))
                .get("/v1/large", (request, response) -> response.header("Content-Type", "application/octet-stream")
                        .send(LARGE))
                .get("/v1/streamed", (request, response) -> {
                    response.header("X-Kept", "yes").header("Connection", "X-Dropped").header("X-Dropped", "no")
                            .header("Keep-Alive", "timeout=5");
                    try (OutputStream out = response.outputStream()) {
                        for (int i = 0; i < 3; i++) {
                            out.write(("part " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        }
                        response.trailer("X-Checksum", "abc");
                    }
                })
                .get("/v1/decorated", (request, response) -> {
                    response.header("Server", "upstream/1.0").header("X-Powered-By", "php")
                            .header("Access-Control-Allow-Origin", "*").header("X-Kept", "yes");
                    try (OutputStream out = response.outputStream()) {
                        out.write("decorated\n".getBytes(StandardCharsets.US_ASCII));
                        response.trailer("X-Checksum", "abc").trailer("X-Secret", "s3");
                    }
                })
                .get("/v1/gzipped", (request, response) -> {
                    response.header("Content-Encoding", "gzip").header("Content-Type", "text/plain")
                            .send(gzip("hello gzip\n".repeat(100)));
                })
                .get("/v1/moved", (request, response) -> response.status(Status.FOUND)
                        .header("Location", "http://127.0.0.1:" + upstream.port() + "/v1/echo/target?q=1")
                        .send())
                .get("/v1/elsewhere", (request, response) -> response.status(Status.FOUND)
                        .header("Location", "https://example.com/v1/echo/x").send())
                .get("/v1/empty", (request, response) -> response.status(Status.NO_CONTENT).send())
                .get("/v1/endless", (request, response) -> {
                    byte[] chunk = new byte[8192];
                    try (OutputStream out = response.outputStream()) {
                        while (true) {
                            out.write(chunk);
                        }
                    } catch (IOException e) {
                        endlessEnded.countDown(); // the proxy let go of the upstream's connection
                        throw e;
                    }
                })
                .get("/v1/slow", (request, response) -> {
                    sleep(Duration.ofSeconds(3));
                    response.send("late\n");
                })
                .build();
        upstream = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).build(), router).start();
    }

    @AfterEach
    void stop() {
        client.close();
        proxies.forEach(server -> server.stop(Duration.ZERO));
        handlers.forEach(ReverseProxy::close);
        upstream.stop(Duration.ZERO);
    }

    /** A proxy server mounting the handler at /api/*, forwarding to the upstream's /v1. */
    private String proxy(ReverseProxy.Builder builder) {
        return proxy(builder, ServerConfig.builder());
    }

    private String proxy(ReverseProxy.Builder builder, ServerConfig.Builder config) {
        return proxy(builder, config, "/api/*");
    }

    private String proxy(ReverseProxy.Builder builder, ServerConfig.Builder config, String route) {
        ReverseProxy handler = builder.stripPrefix("/api").build();
        handlers.add(handler);
        Server server = Server.create(config.bindAddress(LOOPBACK).port(0).build(),
                Router.builder().any(route, handler).build()).start();
        proxies.add(server);
        return "http://127.0.0.1:" + server.port();
    }

    private ReverseProxy.Builder toUpstream() {
        return ReverseProxy.builder("http://127.0.0.1:" + upstream.port() + "/v1/");
    }

    @Test
    void forwardsThePathBelowThePrefixByteForByteWithTheQuery() throws Exception {
        String base = proxy(toUpstream());
        String told = curl("-s", base + "/api/echo/a%2Fb/%7E%20c?x=1&y=%20&z").stdout();
        assertTrue(told.startsWith("GET /v1/echo/a%2Fb/%7E%20c?x=1&y=%20&z\n"), told);
        // Methods are an open set (RFC 9110 §9.1): WebDAV's and a cache's go through as any other (they were 405).
        for (String method : List.of("PROPFIND", "MKCOL", "PURGE", "QUERY")) {
            String answer = curl("-s", "-X", method, base + "/api/echo/m").stdout();
            assertTrue(answer.startsWith(method + " /v1/echo/m\n"), answer);
        }
        Run badEscape = curl("-s", "-w", "\n%{http_code}", base + "/api/echo/x?y=%2");
        assertTrue(badEscape.stdout().endsWith("(RFC 3986)\n\n400"), badEscape.stdout());
        assertFalse(badEscape.stdout().contains(Integer.toString(upstream.port())), badEscape.stdout());
        String everything = proxy(toUpstream(), ServerConfig.builder(), "/*");
        assertEquals("not found\n404", curl("-s", "-w", "%{http_code}", everything + "/apix/echo").stdout());
        assertTrue(curl("-s", everything + "/api/echo/y").stdout().startsWith("GET /v1/echo/y\n"));
        // The prefix with an unreserved character percent-encoded is the prefix (RFC 3986 §6.2.2.2), as the router
        // matched it; the rest goes as it came. An encoded slash is no segment's end.
        String encoded = curl("-s", base + "/a%70i/echo/%7Ez?q").stdout();
        assertTrue(encoded.startsWith("GET /v1/echo/%7Ez?q\n"), encoded);
        assertEquals("404", curl("-s", "-o", "/dev/null", "-w", "%{http_code}", everything + "/api%2Fecho").stdout());
    }

    @Test
    void dropsHopByHopFieldsAndThoseConnectionNames() throws Exception {
        String base = proxy(toUpstream());
        String told = curl("-s", "-H", "Connection: keep-alive, X-Secret", "-H", "X-Secret: 1", "-H", "Keep-Alive: 5",
                "-H", "TE: trailers", "-H", "Proxy-Authorization: Basic Zm9vOmJhcg==", "-H", "Upgrade: h2c",
                "-H", "Expect: 100-continue", "-H", "X-Kept: yes", base + "/api/echo/x").stdout().toLowerCase();
        for (String field : List.of("x-secret", "keep-alive", "te:", "proxy-authorization", "upgrade", "expect",
                "connection")) {
            assertFalse(told.contains("\n" + field), field + " reached the upstream:\n" + told);
        }
        assertTrue(told.contains("\nx-kept: yes\n"), told);
    }

    @Test
    void setsHostViaAndTheForwardedFieldsReplacingTheClients() throws Exception {
        String base = proxy(toUpstream());
        // Also those that servers read for the client's address or scheme, and the spellings with underscores, which
        // CGI, WSGI, Rack and PHP read as the same variable (HTTP_X_FORWARDED_FOR).
        String told = curl("-s", "-H", "X-Forwarded-For: 6.6.6.6", "-H", "Forwarded: for=6.6.6.6",
                "-H", "X-Forwarded-Host: evil", "-H", "X_Forwarded_For: 6.6.6.6", "-H", "x_forwarded_proto: evil",
                "-H", "X-Real-IP: 6.6.6.6", "-H", "X-Forwarded-Ssl: evil", "-H", "True-Client-IP: 6.6.6.6",
                "-H", "Transfer_Encoding: evil", "-H", "Client-IP: 6.6.6.6", "-H", "CF-Connecting-IP: 6.6.6.6",
                "-H", "X-Forwarded-Protocol: evil", "-H", "Front-End-Https: evil", "-H", "X_Kept: yes",
                base + "/api/echo/x").stdout();
        assertTrue(told.contains("\nX_Kept: yes\n"), told);
        assertTrue(told.contains("\nHost: 127.0.0.1:" + upstream.port() + "\n"), told);
        assertTrue(told.contains("\nVia: 1.1 wisp\n"), told);
        assertTrue(told.contains("\nX-Forwarded-For: 127.0.0.1\n"), told);
        assertTrue(told.contains("\nX-Forwarded-Proto: http\n"), told);
        assertTrue(told.contains("\nX-Forwarded-Host: " + base.substring("http://".length()) + "\n"), told);
        assertTrue(told.contains("\nX-Forwarded-Prefix: /api\n"), told);
        assertFalse(told.contains("6.6.6.6"), told);
        assertFalse(told.contains("evil"), told);
        assertFalse(told.toLowerCase().contains("\nforwarded:"), told);
    }

    @Test
    void forwardsTheHostOfAnAbsoluteFormTargetRatherThanTheHostField() throws Exception {
        String base = proxy(toUpstream());
        // RFC 9112 §3.2.2: the target's authority is the host asked for; the Host field is to be ignored.
        String told = curl("-s", "--request-target", "http://shop.example:8080/api/echo/x", base + "/").stdout();
        assertTrue(told.contains("\nX-Forwarded-Host: shop.example:8080\n"), told);
    }

    @Test
    void trustedForwardedFieldsAreAddedToAndTheStandardOneCanBeChosen() throws Exception {
        String base = proxy(toUpstream().trustForwardedHeaders(true).forwardedHeaders(ForwardedHeaders.BOTH)
                .preserveHost(true).via("edge-1"));
        String told = curl("-s", "-H", "X-Forwarded-For: 203.0.113.9", "-H", "X-Forwarded-Proto: https",
                "-H", "Forwarded: for=203.0.113.9;proto=https", "-H", "Via: 1.0 front", "-H", "X-Real-IP: 203.0.113.9",
                "-H", "X_Forwarded_For: 6.6.6.6", base + "/api/echo/x").stdout();
        assertTrue(told.contains("\nX-Real-IP: 203.0.113.9\n"), told);
        assertFalse(told.contains("6.6.6.6"), "no proxy writes the underscored twin: " + told);
        String authority = base.substring("http://".length());
        assertTrue(told.contains("\nHost: " + authority + "\n"), told);
        assertTrue(told.contains("\nX-Forwarded-For: 203.0.113.9, 127.0.0.1\n"), told);
        assertTrue(told.contains("\nX-Forwarded-Proto: https\n"), told);
        assertTrue(told.contains("\nForwarded: for=203.0.113.9;proto=https\n"), told);
        assertTrue(told.contains("\nForwarded: for=127.0.0.1;proto=http;host=\"" + authority + "\"\n"), told);
        assertTrue(told.contains("\nVia: 1.0 front\n"), told);
        assertTrue(told.contains("\nVia: 1.1 edge-1\n"), told);
    }

    @Test
    void requestBodiesStreamWithTheirLengthOrChunked() throws Exception {
        String base = proxy(toUpstream(), ServerConfig.builder().maxRequestBodyBytes(64L << 20));
        Path file = Files.write(temp.resolve("large.bin"), LARGE);
        String expected = "body " + LARGE.length + " " + sha256(LARGE) + "\n";
        String fixed = curl("-s", "--data-binary", "@" + file, base + "/api/echo/up").stdout();
        assertTrue(fixed.contains(expected), fixed);
        assertTrue(fixed.contains("\nContent-Length: " + LARGE.length + "\n"), fixed);
        String chunked = curl("-s", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file,
                base + "/api/echo/up").stdout();
        assertTrue(chunked.contains(expected), chunked);
        assertTrue(chunked.contains("framing chunked\n"), chunked);
        String none = curl("-s", base + "/api/echo/none").stdout();
        assertTrue(none.contains("body 0 "), none);
        assertFalse(none.contains("Content-Length"), none);
        assertTrue(none.contains("framing null\n"), none);
    }

    @Test
    void aRequestsTrailersAreRelayedFromHttp11AndHttp2Clients() throws Exception {
        String base = proxy(toUpstream(), ServerConfig.builder().http2(true));
        try (Client h2c = Client.create(ClientConfig.builder().http2(Http2Mode.PRIOR_KNOWLEDGE).build())) {
            for (Client sender : List.of(client, h2c)) {
                try (StreamingRequest upload = sender.open(Request.builder(base + "/api/trailers").method("POST")
                        .build(), -1)) {
                    upload.body().write(new byte[5000]);
                    try (Response answer = upload.response(Headers.of("X-Checksum", "crc32=1234"))) {
                        assertEquals("5000 crc32=1234 chunked\n", answer.text(), answer.version().toString());
                    }
                }
            }
        }
    }

    @Test
    void responsesStreamWithTheirFieldsLengthTrailersAndCodings() throws Exception {
        String base = proxy(toUpstream());
        Run large = curl("-s", "-D", "-", "-o", temp.resolve("got.bin").toString(), base + "/api/large");
        assertArrayEquals(LARGE, Files.readAllBytes(temp.resolve("got.bin")));
        assertTrue(large.stdout().contains("\nContent-Length: " + LARGE.length + "\r\n"), large.stdout());
        assertTrue(large.stdout().contains("\nVia: 1.1 wisp\r\n"), large.stdout());

        try (Response streamed = client.send(Request.get(base + "/api/streamed"))) {
            assertEquals("part 0\npart 1\npart 2\n", streamed.text());
            assertEquals("abc", streamed.trailers().firstOrNull("X-Checksum"));
            assertEquals("chunked", streamed.headers().firstOrNull("Transfer-Encoding"));
        }
        try (ServerSocket raw = new ServerSocket(0, 8, LOOPBACK)) {
            Thread.ofVirtual().start(() -> answer(raw, "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Dropped\r\n"
                    + "X-Dropped: no\r\nKeep-Alive: timeout=5\r\nProxy-Authenticate: Basic\r\nX-Kept: yes\r\n"
                    + "Content-Length: 3\r\n\r\nhi\n", false));
            String rawBase = proxy(ReverseProxy.builder("http://127.0.0.1:" + raw.getLocalPort()));
            try (Response answer = client.send(Request.get(rawBase + "/api/fields"))) {
                assertEquals("hi\n", answer.text());
                assertEquals("yes", answer.headers().firstOrNull("X-Kept"));
                for (String dropped : List.of("X-Dropped", "Keep-Alive", "Proxy-Authenticate", "Connection")) {
                    assertEquals(null, answer.headers().firstOrNull(dropped), dropped);
                }
            }
        }

        Run gzipped = curl("-s", "--compressed", "-D", temp.resolve("head.txt").toString(), base + "/api/gzipped");
        assertEquals("hello gzip\n".repeat(100), gzipped.stdout());
        assertTrue(Files.readString(temp.resolve("head.txt")).contains("Content-Encoding: gzip"));
        assertArrayEquals(gzip("hello gzip\n".repeat(100)), curlBytes("-s", base + "/api/gzipped"));
    }

    @Test
    void hiddenFieldsOfTheClientsRequestAreLeftOutOfItsHeadAndTrailers() throws Exception {
        String base = proxy(toUpstream().hideRequestFields("X-Secret", "x-checksum"));
        int port = URI.create(base).getPort();
        try (RawPeer peer = RawPeer.connect(port)) {
            peer.send("GET /api/echo/a HTTP/1.1\r\nHost: proxy\r\nX-Secret: s3\r\nX-Kept: yes\r\n\r\n");
            String told = peer.readResponse().bodyText();
            assertTrue(told.contains("X-Kept: yes\n") && !told.contains("s3"), told);
            peer.send("POST /api/trailers HTTP/1.1\r\nHost: proxy\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n");
            assertEquals("5 null chunked\n", peer.readResponse().bodyText(), "the trailer hidden too");
        }
    }

    @Test
    void hiddenFieldsOfTheUpstreamsAnswerAreLeftOutOfItsHeadAndTrailers() throws Exception {
        String relayed = proxy(toUpstream());
        try (Response answer = client.send(Request.get(relayed + "/api/decorated"))) {
            assertEquals("decorated\n", answer.text());
            assertEquals(List.of("upstream/1.0"), answer.headers().all("Server"));
            assertEquals("s3", answer.trailers().firstOrNull("X-Secret"));
        }
        // A Cors filter in front of a proxy: without the upstream's field, the browser sees one answer for CORS.
        Cors cors = Cors.builder().allowedOrigins("http://app.test").build();
        ReverseProxy hiding = toUpstream().hideResponseFields("server", "X-POWERED-BY").hideResponseFields(
                Cors.RESPONSE_FIELDS.toArray(String[]::new)).hideResponseFields("x-secret").stripPrefix("/api").build();
        handlers.add(hiding);
        Server front = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).build(),
                HttpService.builder(Router.builder().any("/api/*", hiding).build()).filter(cors).build()).start();
        proxies.add(front);
        try (Response answer = client.send(Request.builder(URI.create("http://127.0.0.1:" + front.port()
                + "/api/decorated")).header("Origin", "http://app.test").build())) {
            assertEquals("decorated\n", answer.text());
            assertEquals(List.of("http://app.test"), answer.headers().all("Access-Control-Allow-Origin"));
            assertEquals(List.of(), answer.headers().all("Server"));
            assertEquals(List.of(), answer.headers().all("X-Powered-By"));
            assertEquals("yes", answer.headers().firstOrNull("X-Kept"));
            assertEquals("abc", answer.trailers().firstOrNull("X-Checksum"));
            assertEquals(null, answer.trailers().firstOrNull("X-Secret"));
        }
        Run curled = curl("-s", "-D", "-", "-o", "/dev/null", "-H", "Origin: http://app.test",
                "http://127.0.0.1:" + front.port() + "/api/decorated");
        assertEquals(1, curled.stdout().split("Access-Control-Allow-Origin: ", -1).length - 1, curled.stdout());
    }

    @Test
    void headAndNoContentKeepTheirFields() throws Exception {
        String base = proxy(toUpstream());
        Run head = curl("-s", "-I", base + "/api/large");
        assertTrue(head.stdout().contains("\nContent-Length: " + LARGE.length + "\r\n"), head.stdout());
        Run empty = curl("-s", "-D", "-", base + "/api/empty");
        assertTrue(empty.stdout().startsWith("HTTP/1.1 204"), empty.stdout());
    }

    @Test
    void redirectsIntoTheUpstreamPointAtTheProxy() throws Exception {
        String base = proxy(toUpstream());
        Run moved = curl("-s", "-o", "/dev/null", "-w", "%{redirect_url}", base + "/api/moved");
        assertEquals(base + "/api/echo/target?q=1", moved.stdout());
        Run followed = curl("-s", "-L", base + "/api/moved");
        assertTrue(followed.stdout().startsWith("GET /v1/echo/target?q=1\n"), followed.stdout());
        assertEquals("https://example.com/v1/echo/x",
                curl("-s", "-o", "/dev/null", "-w", "%{redirect_url}", base + "/api/elsewhere").stdout());
        String kept = proxy(toUpstream().rewriteLocation(false));
        assertEquals("http://127.0.0.1:" + upstream.port() + "/v1/echo/target?q=1",
                curl("-s", "-o", "/dev/null", "-w", "%{redirect_url}", kept + "/api/moved").stdout());
    }

    @Test
    void anUpstreamDownIsBadGatewayAndASlowOneGatewayTimeout() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            closed = socket.getLocalPort();
        }
        String down = proxy(ReverseProxy.builder("http://127.0.0.1:" + closed));
        Run refused = curl("-s", "-w", "\n%{http_code}", down + "/api/x");
        assertTrue(refused.stdout().endsWith("\n502"), refused.stdout());
        assertFalse(refused.stdout().contains(Integer.toString(closed)), "the upstream's address is not told");

        String slow = proxy(toUpstream().clientConfig(ClientConfig.builder()
                .readTimeout(Duration.ofMillis(500)).build()));
        Run late = curl("-s", "-w", "\n%{http_code}", slow + "/api/slow");
        assertTrue(late.stdout().endsWith("\n504"), late.stdout());
    }

    /**
     * An answer the upstream cuts off (short of its Content-Length, or of its last chunk) reaches the client cut off:
     * over HTTP/1.1 curl sees a partial body (18), over HTTP/2 a stream that was not ended cleanly (92), also when
     * the proxy compresses it (where closing the gzip stream would have ended it as complete, and shorter).
     */
    @Test
    void anUpstreamBodyCutShortCutsTheClientsShort() throws Exception {
        try (ServerSocket broken = new ServerSocket(0, 8, LOOPBACK)) {
            ReverseProxy handler = ReverseProxy.builder("http://127.0.0.1:" + broken.getLocalPort()).build();
            handlers.add(handler);
            Server server = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).http2(true).build(),
                    HttpService.builder(Router.builder().any("/*", handler).build())
                            .filter(dev.wisp.server.filters.Compression.gzip()).build()).start();
            proxies.add(server);
            String url = "http://127.0.0.1:" + server.port() + "/cut";
            for (String head : List.of("Content-Length: 1000\r\n", "Transfer-Encoding: chunked\r\n")) {
                String body = head.startsWith("Transfer") ? "3e8\r\n" + "a".repeat(500) : "a".repeat(500);
                for (List<String> options : List.of(List.of("--http1.1"), List.of("--http1.1", "--compressed"),
                        List.of("--http2-prior-knowledge"), List.of("--http2-prior-knowledge", "--compressed"))) {
                    Thread answering = Thread.ofVirtual().start(() -> answer(broken,
                            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + head + "\r\n" + body, true));
                    List<String> command = new ArrayList<>(List.of("-s", "-o", "/dev/null"));
                    command.addAll(options);
                    command.add(url);
                    Run cut = curl(command.toArray(String[]::new));
                    answering.join();
                    assertEquals(options.contains("--http1.1") ? 18 : 92, cut.code(),
                            head + options + ": curl must see the body cut off: " + cut.stderr());
                }
            }
        }
    }

    /**
     * An answer whose body fails before a byte of it came (the upstream closed, broke the chunked framing, or went
     * silent past the read timeout) is, as nothing of the answer reached the client yet, a 502 or 504 like any other
     * failure of the upstream's, also when the proxy compresses: it was a 500, with a handler's stack trace in the log.
     */
    @Test
    void anUpstreamBodyThatFailsBeforeItsFirstByteIsABadGatewayOrAGatewayTimeout() throws Exception {
        try (ServerSocket broken = new ServerSocket(0, 8, LOOPBACK)) {
            ReverseProxy handler = ReverseProxy.builder("http://127.0.0.1:" + broken.getLocalPort())
                    .clientConfig(ClientConfig.builder().readTimeout(Duration.ofMillis(500)).build()).build();
            handlers.add(handler);
            Server server = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).build(),
                    HttpService.builder(Router.builder().any("/*", handler).build())
                            .filter(dev.wisp.server.filters.Compression.gzip()).build()).start();
            proxies.add(server);
            String url = "http://127.0.0.1:" + server.port() + "/failing";
            Map<String, String> answers = Map.of(
                    "Content-Length: 1000\r\n\r\n", "502",
                    "Transfer-Encoding: chunked\r\n\r\nzz\r\n", "502",
                    "Transfer-Encoding: chunked\r\n\r\n", "502");
            for (Map.Entry<String, String> answer : answers.entrySet()) {
                for (boolean compressed : List.of(false, true)) {
                    Thread answering = Thread.ofVirtual().start(() -> answer(broken,
                            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + answer.getKey(), false));
                    Run failed = curl("-s", "-w", "\n%{http_code}", compressed ? "--compressed" : "-s", url);
                    answering.join();
                    assertEquals(0, failed.code(), failed.stderr());
                    assertTrue(failed.stdout().endsWith("answered wrongly\n\n" + answer.getValue()),
                            answer.getKey() + compressed + ": " + failed.stdout());
                }
            }
            Thread silent = Thread.ofVirtual().start(() -> answer(broken,
                    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", true, Duration.ofSeconds(2)));
            Run late = curl("-s", "-w", "\n%{http_code}", url);
            silent.join();
            assertTrue(late.stdout().endsWith("did not answer in time\n\n504"), late.stdout());
        }
    }

    @Test
    void aClientsBodyOverTheLimitIsTheServersAnswerNotTheUpstreams() throws Exception {
        String base = proxy(toUpstream(), ServerConfig.builder().maxRequestBodyBytes(1024));
        // 64 KiB: over the limit, and within what the server's lingering close drains (maxLingerBytes, 1 MiB) so
        // that curl, still sending, reads the 413 rather than a reset.
        Path file = Files.write(temp.resolve("large.bin"), java.util.Arrays.copyOf(LARGE, 64 * 1024));
        Run fixed = curl("-s", "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@" + file,
                base + "/api/echo/up");
        assertEquals("413", fixed.stdout());
        Run chunked = curl("-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Transfer-Encoding: chunked",
                "--data-binary", "@" + file, base + "/api/echo/up");
        assertEquals("413", chunked.stdout());
    }

    @Test
    void http2ClientsAreForwardedToAnHttp11Upstream() throws Exception {
        String base = proxy(toUpstream(), ServerConfig.builder().http2(true));
        Run h2 = curl("-s", "--http2-prior-knowledge", "-w", "%{http_version}", "--data-binary", "hello",
                base + "/api/echo/h2");
        assertTrue(h2.stdout().contains("\nVia: 2 wisp\n"), h2.stdout());
        assertTrue(h2.stdout().contains("body 5 " + sha256("hello".getBytes(StandardCharsets.US_ASCII))),
                h2.stdout());
        assertTrue(h2.stdout().endsWith("2"), h2.stdout());
        try (Client h2c = Client.create(ClientConfig.builder().http2(Http2Mode.PRIOR_KNOWLEDGE).build());
                Response answer = h2c.send(Request.builder(base + "/api/echo/cookies")
                        .header("Cookie", "a=1").header("Cookie", "b=2")
                        .body(new ByteArrayInputStream(LARGE), -1).build())) {
            String told = answer.text();
            assertTrue(told.contains("\nCookie: a=1; b=2\n"), told);
            assertTrue(told.contains("body " + LARGE.length + " " + sha256(LARGE)), told);
            assertNotEquals(null, answer.headers().firstOrNull("Via"));
        }
    }

    @Test
    void aProxySentToItselfStopsAtTheHopLimit() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            port = socket.getLocalPort();
        }
        ReverseProxy handler = ReverseProxy.builder("http://127.0.0.1:" + port).build();
        handlers.add(handler);
        Server self = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(port).build(),
                Router.builder().any("/*", handler).build()).start();
        proxies.add(self);
        Run loop = curl("-s", "-w", "\n%{http_code}", "http://127.0.0.1:" + port + "/x");
        assertTrue(loop.stdout().endsWith("\n508"), loop.stdout());
        assertTrue(loop.stdout().contains("passed 16 proxies"), loop.stdout());
    }

    @Test
    void requestsAreSpreadOverUpstreamsAndOneThatRefusesIsLeftOut() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            closed = socket.getLocalPort();
        }
        Server second = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).build(),
                Router.builder().any("/v2/*", (request, response) -> response.send("second "
                        + request.target().raw() + " " + request.bodyBytes().length + "\n")).build()).start();
        proxies.add(second);
        String base = proxy(ReverseProxy.builder("http://127.0.0.1:" + closed + "/v0")
                .alsoTo("http://127.0.0.1:" + upstream.port() + "/v1")
                .alsoTo("http://127.0.0.1:" + second.port() + "/v2"));
        int first = 0;
        int other = 0;
        for (int i = 0; i < 8; i++) {
            Run answer = curl("-s", "--data-binary", "12345", base + "/api/echo/" + i);
            if (answer.stdout().startsWith("POST /v1/echo/" + i + "\n")) {
                assertTrue(answer.stdout().contains("body 5 "), answer.stdout());
                first++;
            } else {
                assertEquals("second /v2/echo/" + i + " 5\n", answer.stdout());
                other++;
            }
        }
        assertEquals(8, first + other);
        assertTrue(first >= 3 && other >= 3, "spread in turn: " + first + " and " + other);
    }

    @Test
    void aClientThatGoesAwayMidBodyReleasesTheUpstreamConnection() throws Exception {
        try (Client shared = Client.create(ReverseProxy.defaultClientConfig())) {
            String base = proxy(toUpstream().client(shared));
            int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
            try (RawPeer peer = RawPeer.connect(port)) {
                peer.send("GET /api/endless HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals(200, peer.readResponseHead().status());
            } // gone, with megabytes on their way
            assertTrue(endlessEnded.await(10, java.util.concurrent.TimeUnit.SECONDS),
                    "the upstream's endless body was not cut off");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (shared.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, shared.openConnections(), "the upstream connection of the abandoned body was closed");
        }
    }

    /**
     * Request smuggling's families sent to the proxy: each is refused by the proxy's server with 400 (or 501), and no
     * request reaches the upstream but the one a well-framed request carries, so no request hides inside another's
     * body on the way (the client frames what it forwards itself).
     */
    @Test
    void smuggledRequestsNeverReachTheUpstream() throws Exception {
        String base = proxy(toUpstream());
        int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
        String hidden = "GET /api/echo/hidden HTTP/1.1\r\nHost: x\r\n\r\n";
        List<String> attacks = List.of(
                "POST /api/echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: " + (5 + hidden.length())
                        + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + hidden,
                "POST /api/echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\n"
                        + hidden,
                "POST /api/echo/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"
                        + hidden,
                "POST /api/echo/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + hidden,
                "POST /api/echo/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + hidden,
                "POST /api/echo/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello!!\r\n0\r\n\r\n" + hidden,
                "GET /api/echo/a HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n" + hidden);
        for (String attack : attacks) {
            forwardedTargets.clear();
            try (RawPeer peer = RawPeer.connect(port)) {
                peer.send(attack);
                RawResponse answer = peer.readResponse();
                assertTrue(answer.status() == 400 || answer.status() == 501, answer.status() + " for " + attack);
                assertTrue(peer.isClosedByPeer(Duration.ofSeconds(5)), "closed after refusing: " + attack);
            }
            assertEquals(List.of(), forwardedTargets, attack);
        }
        // A well-framed request with a body that looks like a request: forwarded once, its body as a body.
        forwardedTargets.clear();
        try (RawPeer peer = RawPeer.connect(port)) {
            peer.send("POST /api/echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: " + hidden.length() + "\r\n\r\n"
                    + hidden);
            RawResponse answer = peer.readResponse();
            assertEquals(200, answer.status());
            assertTrue(answer.bodyText().contains("body " + hidden.length() + " "), answer.bodyText());
        }
        assertEquals(List.of("/v1/echo/a"), forwardedTargets);
    }

    @Test
    void anHttpsUpstreamIsVerifiedAndItsHttp2ConnectionShared() throws Exception {
        TestCertificate ca = TestCertificates.ca(TestCertificate.KeyType.EC);
        TestCertificate certificate = TestCertificates.server(ca, TestCertificate.KeyType.EC);
        Server secure = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).http2(true)
                .tls(TlsConfig.builder().identity(TlsIdentity.pem(certificate.chainPem(),
                        certificate.keys().pkcs8Pem())).build()).build(),
                Router.builder().any("/v1/*", (request, response) -> response.send(request.protocol() + " "
                        + request.target().raw() + " " + request.bodyText().length() + "\n")).build()).start();
        proxies.add(secure);
        String upstreamUri = "https://localhost:" + secure.port() + "/v1";
        String base = proxy(ReverseProxy.builder(upstreamUri).clientConfig(ReverseProxy.defaultClientConfig()
                .toBuilder().tls(TlsConfig.builder().trustedCertificatesPem(ca.certificatePem()).build()).build()));
        for (int i = 0; i < 3; i++) {
            assertEquals("HTTP/2 /v1/x?i=" + i + " 5\n", curl("-s", "--data-binary", "hello", base + "/api/x?i=" + i)
                    .stdout());
        }
        // The JDK's trust store does not know the test CA: the upstream's certificate is refused, a 502.
        String unverified = proxy(ReverseProxy.builder(upstreamUri));
        assertEquals("502", curl("-s", "-o", "/dev/null", "-w", "%{http_code}", unverified + "/api/x").stdout());
    }

    @Test
    void connectionsMadeOnAStoppedServersLoopsAreClosedWithThemAndTheClientGoesOn() throws Exception {
        try (Client shared = Client.create(ReverseProxy.defaultClientConfig())) {
            ReverseProxy handler = toUpstream().stripPrefix("/api").client(shared).build();
            Server onLoops = Server.create(ServerConfig.builder().bindAddress(LOOPBACK).port(0).carrierLoops(2).build(),
                    Router.builder().any("/api/*", handler).build()).start();
            Run first = curl("-s", "http://127.0.0.1:" + onLoops.port() + "/api/echo/loop");
            assertTrue(first.stdout().startsWith("GET /v1/echo/loop\n"), first.stdout());
            assertEquals(1, shared.idleConnections(), "the upstream connection the handler made is pooled");
            onLoops.stop(Duration.ZERO);
            // Its socket waited in a loop that has stopped: closed with it, so this call does not wait on it for good.
            long start = System.nanoTime();
            try (Response direct = shared.send(Request.get("http://127.0.0.1:" + upstream.port() + "/v1/echo/after"))) {
                assertTrue(direct.text().startsWith("GET /v1/echo/after\n"));
            }
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "the call waited for the stopped loop");
        }
    }

    /** Answers one request with the bytes given, then closes (a body cut short if they do not end it). */
    private static void answer(ServerSocket listener, String response, boolean pause) {
        answer(listener, response, pause, Duration.ofMillis(200));
    }

    /** As {@link #answer(ServerSocket, String, boolean)}, pausing this long before closing if asked to. */
    private static void answer(ServerSocket listener, String response, boolean pause, Duration pauseFor) {
        try (Socket socket = listener.accept()) {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            StringBuilder head = new StringBuilder();
            while (!head.toString().contains("\r\n\r\n")) {
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                head.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
            socket.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            if (pause) {
                sleep(pauseFor);
            }
        } catch (IOException e) {
            // the test sees what the client got
        }
    }

    record Run(int code, String stdout, String stderr) {
    }

    private static Run curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PeerTools.require("curl").toString(), "--max-time", "20"));
        command.addAll(List.of(arguments));
        PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), command);
        return new Run(result.exitCode(), result.stdout(), result.stderr());
    }

    /** curl's output as bytes: {@link PeerTools} reads it as ISO-8859-1, one char a byte. */
    private static byte[] curlBytes(String... arguments) throws Exception {
        return curl(arguments).stdout().getBytes(StandardCharsets.ISO_8859_1);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gzip(String text) throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
