package dev.wisp.server.filters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.core.Headers;
import dev.wisp.server.HttpService;
import dev.wisp.server.Router;
import dev.wisp.server.Server;
import dev.wisp.server.ServerConfig;
import dev.wisp.server.files.FileHandler;
import dev.wisp.testing.PeerTools;
import dev.wisp.testing.RawPeer;
import dev.wisp.testing.RawResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gzip as clients get it: negotiated from Accept-Encoding, with Vary, a weak ETag that still gives 304, HEAD like
 * GET, never for ranges, small bodies, images or a body the handler coded itself; checked with raw requests, curl
 * {@code --compressed} and the JDK HttpClient.
 */
class CompressionIT {
    private static final String PAGE = "<p>hello, compressed world</p>\n".repeat(40);
    private static final String BIG = "line of a long text file, repeated\n".repeat(4000);
    private static final String SVG = "<svg xmlns=\"http://www.w3.org/2000/svg\">"
            + "<circle cx=\"5\" cy=\"5\" r=\"4\"/>".repeat(40) + "</svg>\n";
    @TempDir
    static Path root;
    /** A stored copy of page.html, made at another level than the filter's. */
    private static byte[] storedGzipPage;
    private static Server server;

    @BeforeAll
    static void start() throws IOException {
        Files.writeString(root.resolve("page.html"), PAGE);
        Files.writeString(root.resolve("big.txt"), BIG);
        Files.writeString(root.resolve("small.txt"), "tiny\n");
        Files.write(root.resolve("drawing.svgz"), gzip(SVG));
        storedGzipPage = gzip(PAGE, Deflater.BEST_SPEED);
        Files.write(root.resolve("page.html.gz"), storedGzipPage);
        Files.write(root.resolve("image.png"), PAGE.getBytes(StandardCharsets.US_ASCII));
        Router router = Router.builder()
                .get("/stream", (request, response) -> {
                    response.header("Content-Type", "application/json");
                    try (OutputStream out = response.outputStream()) {
                        for (int i = 0; i < 100; i++) {
                            out.write("{\"n\": 1}\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        }
                    }
                })
                .get("/failing", (request, response) -> response.header("Content-Type", "text/plain")
                        .send(new FailingBody()))
                .get("/left-open", (request, response) -> {
                    OutputStream out = response.header("Content-Type", "text/plain").outputStream();
                    out.write(BIG.getBytes(StandardCharsets.US_ASCII)); // and returns without closing it
                })
                .get("/fails-in-stream", (request, response) -> {
                    OutputStream out = response.header("Content-Type", "text/plain").outputStream();
                    out.write(PAGE.getBytes(StandardCharsets.US_ASCII)); // held by the compressor and the buffer
                    throw new IllegalStateException("bug after the body began");
                })
                .get("/coded", (request, response) -> response.header("Content-Encoding", "br")
                        .header("Content-Type", "text/plain").send(PAGE.getBytes(StandardCharsets.US_ASCII)))
                .get("/no-transform", (request, response) -> response
                        .header("Cache-Control", "max-age=60, No-Transform").header("Content-Type", "text/plain")
                        .send(PAGE.getBytes(StandardCharsets.US_ASCII)))
                .get("/files/*", FileHandler.of(root))
                .get("/stored/*", FileHandler.builder(root).precompressed("gzip").build())
                .build();
        server = Server.create(ServerConfig.builder().port(0).http2(true).build(),
                HttpService.builder(router).filter(Compression.gzip()).build()).start();
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ZERO);
    }

    @Test
    void compressesAPageInMemoryWithItsLengthAndAWeakEtag() throws Exception {
        RawResponse plain = get("GET /files/page.html", "");
        assertEquals("Accept-Encoding", plain.header("Vary").orElseThrow());
        assertFalse(plain.header("Content-Encoding").isPresent());
        String strong = plain.header("ETag").orElseThrow();
        RawResponse gzip = get("GET /files/page.html", "Accept-Encoding: gzip, deflate\r\n");
        assertEquals("gzip", gzip.header("Content-Encoding").orElseThrow());
        assertEquals("Accept-Encoding", gzip.header("Vary").orElseThrow());
        assertEquals("W/" + strong, gzip.header("ETag").orElseThrow());
        assertFalse(gzip.header("Accept-Ranges").isPresent());
        assertEquals(Integer.toString(gzip.body().length), gzip.header("Content-Length").orElseThrow());
        assertEquals(PAGE, gunzip(gzip.body()));
        RawResponse head = get("HEAD /files/page.html", "Accept-Encoding: gzip\r\n");
        assertEquals(gzip.header("Content-Length"), head.header("Content-Length"));
        assertEquals("gzip", head.header("Content-Encoding").orElseThrow());
        RawResponse notModified = get("GET /files/page.html", "Accept-Encoding: gzip\r\nIf-None-Match: W/"
                + strong + "\r\n");
        assertEquals(304, notModified.status());
    }

    @Test
    void streamsALongBodyChunkedAndHeadAgrees() throws Exception {
        RawResponse gzip = get("GET /files/big.txt", "Accept-Encoding: *\r\n");
        assertEquals("chunked", gzip.header("Transfer-Encoding").orElseThrow());
        assertEquals(BIG, gunzip(gzip.body()));
        assertTrue(gzip.body().length < BIG.length() / 10, "compressed to " + gzip.body().length);
        RawResponse head = get("HEAD /files/big.txt", "Accept-Encoding: *\r\n");
        assertEquals("gzip", head.header("Content-Encoding").orElseThrow());
        assertFalse(head.header("Content-Length").isPresent());
        RawResponse stream = get("GET /stream", "Accept-Encoding: gzip\r\n");
        assertEquals("{\"n\": 1}\n".repeat(100), gunzip(stream.body()));
    }

    @Test
    void answersHeadWithTheFieldsItsGetHas() throws Exception {
        // RFC 9110 §9.3.2, framing included (RFC 9112 §6.1): Transfer-Encoding where the GET's body is compressed
        // as it goes out or streamed, Content-Length where it is compressed in memory or sent as it is.
        for (String path : List.of("/files/big.txt", "/files/page.html", "/stream")) {
            for (String acceptEncoding : List.of("", "Accept-Encoding: gzip\r\n")) {
                RawResponse get = get("GET " + path, acceptEncoding);
                RawResponse head = get("HEAD " + path, acceptEncoding);
                assertEquals(fieldsButDate(get.headers()), fieldsButDate(head.headers()), path + " " + acceptEncoding);
            }
        }
    }

    @Test
    void answersAnHttp2HeadWithTheFieldsItsGetHasAndNoTransferEncoding() throws Exception {
        // RFC 9113 §8.2.2: HTTP/2 has no Transfer-Encoding, where the HTTP/1.1 HEAD says its GET would be chunked.
        String curl = PeerTools.require("curl").toString();
        List<String> h2 = List.of(curl, "-sS", "--http2-prior-knowledge", "-H", "Accept-Encoding: gzip");
        String url = base() + "/files/big.txt";
        PeerTools.Result get = PeerTools.run(Duration.ofSeconds(30), concat(h2, "-D", "-", "-o", "/dev/null", url));
        PeerTools.Result head = PeerTools.run(Duration.ofSeconds(30), concat(h2, "-I", url));
        assertEquals(0, head.exitCode(), head.stderr());
        assertTrue(head.stdout().startsWith("HTTP/2 200"), head.stdout());
        assertEquals("gzip", headerValue(head.stdout(), "content-encoding"));
        assertEquals(linesButDate(get.stdout()), linesButDate(head.stdout()));
        assertFalse(head.stdout().toLowerCase(Locale.ROOT).contains("transfer-encoding"), head.stdout());
    }

    @Test
    void leavesAloneWhatShouldNotBeCompressed() throws Exception {
        RawResponse range = get("GET /files/page.html", "Accept-Encoding: gzip\r\nRange: bytes=0-9\r\n");
        assertEquals(206, range.status());
        assertFalse(range.header("Content-Encoding").isPresent());
        assertEquals("Accept-Encoding", range.header("Vary").orElseThrow(), "RFC 9110 §15.3.7: the 200's Vary");
        RawResponse image = get("GET /files/image.png", "Accept-Encoding: gzip\r\n");
        assertFalse(image.header("Content-Encoding").isPresent());
        assertFalse(image.header("Vary").isPresent());
        assertFalse(get("GET /files/small.txt", "Accept-Encoding: gzip\r\n").header("Content-Encoding").isPresent());
        assertFalse(get("GET /files/page.html", "Accept-Encoding: gzip;q=0, *\r\n").header("Content-Encoding")
                .isPresent());
        assertEquals("br", get("GET /coded", "Accept-Encoding: gzip\r\n").header("Content-Encoding").orElseThrow());
        // RFC 9110 §7.7: no intermediary changes a no-transform response's content (a proxied one was gzipped).
        RawResponse kept = get("GET /no-transform", "Accept-Encoding: gzip\r\n");
        assertFalse(kept.header("Content-Encoding").isPresent());
        assertEquals(PAGE.length(), Integer.parseInt(kept.header("Content-Length").orElseThrow()));
    }

    @Test
    void compressesEvenASmallBodyWhenIdentityIsRefused() throws Exception {
        RawResponse small = get("GET /files/small.txt", "Accept-Encoding: gzip, identity;q=0\r\n");
        assertEquals("gzip", small.header("Content-Encoding").orElseThrow());
        assertEquals("tiny\n", gunzip(small.body()));
    }

    @Test
    void aNotModifiedForTheGzipCopyCarriesItsWeakEtagAndVary() throws Exception {
        // RFC 9110 §15.4.5: a 304 has the ETag and Vary the 200 would have had, so a cache can match it to the
        // response it stored (RFC 9111 §4.3.4); here the gzip-coded one, which a browser revalidates with W/.
        RawResponse gzip = get("GET /files/page.html", "Accept-Encoding: gzip\r\n");
        String weak = gzip.header("ETag").orElseThrow();
        RawResponse notModified = get("GET /files/page.html", "Accept-Encoding: gzip\r\nIf-None-Match: \"other\", "
                + weak + "\r\n");
        assertEquals(304, notModified.status());
        assertEquals(weak, notModified.header("ETag").orElseThrow());
        assertEquals("Accept-Encoding", notModified.header("Vary").orElseThrow());
        assertFalse(notModified.header("Content-Encoding").isPresent());
        String strong = weak.substring(2);
        RawResponse identityCopy = get("GET /files/page.html", "If-None-Match: " + strong + "\r\n");
        assertEquals(304, identityCopy.status());
        assertEquals(strong, identityCopy.header("ETag").orElseThrow());
    }

    @Test
    void aNotModifiedForTheIdentityCopyCarriesTheVaryOfThe200() throws Exception {
        // RFC 9110 §15.4.5: curl revalidating the plain copy it holds gets the Vary that copy's 200 had, which a
        // cache needs to keep the 304 from updating the gzip-coded copy too.
        String curl = PeerTools.require("curl").toString();
        String url = "http://127.0.0.1:" + server.port() + "/files/page.html";
        PeerTools.Result plain = PeerTools.run(Duration.ofSeconds(30), List.of(curl, "-sS", "-D", "-", "-o",
                "/dev/null", url));
        assertTrue(plain.stdout().contains("\r\nVary: Accept-Encoding\r\n"), plain.stdout());
        String strong = headerValue(plain.stdout(), "ETag");
        PeerTools.Result notModified = PeerTools.run(Duration.ofSeconds(30), List.of(curl, "-sS", "-D", "-",
                "-H", "If-None-Match: " + strong, url));
        assertTrue(notModified.stdout().startsWith("HTTP/1.1 304 "), notModified.stdout());
        assertEquals(strong, headerValue(notModified.stdout(), "ETag"));
        assertEquals("Accept-Encoding", headerValue(notModified.stdout(), "Vary"));
        PeerTools.Result image = PeerTools.run(Duration.ofSeconds(30), List.of(curl, "-sS", "-D", "-", "-o",
                "/dev/null", "-H", "If-None-Match: " + headerValue(PeerTools.run(Duration.ofSeconds(30),
                        List.of(curl, "-sS", "-D", "-", "-o", "/dev/null", base() + "/files/image.png")).stdout(),
                        "ETag"), base() + "/files/image.png"));
        assertTrue(image.stdout().startsWith("HTTP/1.1 304 "), image.stdout());
        assertFalse(image.stdout().contains("Vary"), "an image's 200 has no Vary, nor has its 304");
    }

    @Test
    void aMultipartRangeCarriesTheVaryOfThe200() throws Exception {
        // RFC 9110 §15.3.7: a 206 has the Vary the 200 would have had; several ranges come as multipart/byteranges.
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> parts = client.send(HttpRequest.newBuilder(URI.create(base() + "/files/page.html"))
                    .header("Range", "bytes=0-1,5-9").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(206, parts.statusCode());
            assertTrue(parts.headers().firstValue("Content-Type").orElseThrow().startsWith("multipart/byteranges"));
            assertEquals(List.of("Accept-Encoding"), parts.headers().allValues("Vary"));
            HttpResponse<String> image = client.send(HttpRequest.newBuilder(URI.create(base() + "/files/image.png"))
                    .header("Range", "bytes=0-1,5-9").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(206, image.statusCode());
            assertEquals(List.of(), image.headers().allValues("Vary"));
        }
    }

    @Test
    void anSvgzFileIsSentAsTheGzipCodedSvgItIsAndNotCompressedAgain() throws Exception {
        // A .svgz file is an SVG image already gzip-coded: browsers show it when told so by Content-Encoding.
        byte[] file = Files.readAllBytes(root.resolve("drawing.svgz"));
        for (String acceptEncoding : List.of("", "Accept-Encoding: gzip\r\n")) {
            RawResponse response = get("GET /files/drawing.svgz", acceptEncoding);
            assertEquals("image/svg+xml", response.header("Content-Type").orElseThrow());
            assertEquals("gzip", response.header("Content-Encoding").orElseThrow());
            assertArrayEquals(file, response.body(), "the file's own bytes, coded once");
        }
        PeerTools.Result curl = PeerTools.run(Duration.ofSeconds(30), List.of(
                PeerTools.require("curl").toString(), "-sS", "--compressed",
                "http://127.0.0.1:" + server.port() + "/files/drawing.svgz"));
        assertEquals(SVG, curl.stdout());
    }

    @Test
    void aStoredCopyPassesTheFilterAsItIsWithOneVary() throws Exception {
        RawResponse stored = get("GET /stored/page.html", "Accept-Encoding: gzip\r\n");
        assertEquals("gzip", stored.header("Content-Encoding").orElseThrow());
        assertArrayEquals(storedGzipPage, stored.body(), "the stored copy, not compressed again nor anew");
        assertEquals(List.of("Accept-Encoding"), stored.headers().all("Vary"));
        assertTrue(stored.header("ETag").orElseThrow().matches("\"[0-9a-f]+-[0-9a-f]+-gzip\""), "the copy's own tag");
        assertEquals(String.valueOf(storedGzipPage.length), stored.header("Content-Length").orElseThrow());

        RawResponse identity = get("GET /stored/page.html", "");
        assertEquals(PAGE, new String(identity.body(), StandardCharsets.US_ASCII));
        assertEquals(List.of("Accept-Encoding"), identity.headers().all("Vary"));
        RawResponse compressed = get("GET /stored/big.txt", "Accept-Encoding: gzip\r\n");
        assertEquals(BIG, gunzip(compressed.body()), "a file without a copy is compressed by the filter");
        assertEquals(List.of("Accept-Encoding"), compressed.headers().all("Vary"));
    }

    @Test
    void curlDecompresses() throws Exception {
        String curl = PeerTools.require("curl").toString();
        String base = "http://127.0.0.1:" + server.port();
        PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), List.of(curl, "-sS", "--compressed",
                "-D", "-", base + "/files/big.txt"));
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(result.stdout().toLowerCase().contains("content-encoding: gzip"), result.stdout());
        assertTrue(result.stdout().endsWith(BIG), "body decompressed whole");
        PeerTools.Result page = PeerTools.run(Duration.ofSeconds(30), List.of(curl, "-sS", "--compressed",
                base + "/files/page.html"));
        assertEquals(PAGE, page.stdout());
    }

    @Test
    void jdkClientGetsGzipItAskedFor() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/stream")).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElseThrow());
            assertEquals("{\"n\": 1}\n".repeat(100), gunzip(response.body()));
            HttpResponse<byte[]> plain = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/files/page.html")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(PAGE.getBytes(StandardCharsets.US_ASCII), plain.body());
        }
    }

    /**
     * A body whose source fails part way (a file cut short under it, an upstream gone) reaches the client cut off,
     * compressed or not, over both protocols: curl sees a partial body (18) or an HTTP/2 stream not ended cleanly
     * (92), never a complete one, which closing the gzip stream would have made of it.
     */
    @Test
    void aBodyThatFailsPartWayReachesTheClientCutOff() throws Exception {
        String curl = PeerTools.require("curl").toString();
        for (List<String> options : List.of(List.of("--http1.1"), List.of("--http1.1", "--compressed"),
                List.of("--http2-prior-knowledge"), List.of("--http2-prior-knowledge", "--compressed"))) {
            List<String> command = new ArrayList<>(List.of(curl, "-s", "-o", "/dev/null"));
            command.addAll(options);
            command.add(base() + "/failing");
            PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), command);
            assertEquals(options.contains("--http1.1") ? 18 : 92, result.exitCode(), options + " " + result.stderr());
        }
    }

    /**
     * A handler that returns with its stream open has its response ended as whole by the server: with the filter,
     * what the gzip stream still held and its trailer go out first, so the client gets the whole body, over both
     * protocols.
     */
    @Test
    void aStreamTheHandlerLeftOpenIsFinishedWhole() throws Exception {
        String curl = PeerTools.require("curl").toString();
        for (String protocol : List.of("--http1.1", "--http2-prior-knowledge")) {
            PeerTools.Result result = PeerTools.run(Duration.ofSeconds(30), List.of(curl, "-s", "-S", protocol,
                    "--compressed", "-w", "\n%{content_type} %{size_download}", base() + "/left-open"));
            assertEquals(0, result.exitCode(), protocol + " " + result.stderr());
            assertTrue(result.stdout().startsWith(BIG), protocol + ": the whole body");
            assertTrue(result.stdout().substring(BIG.length()).matches("\\ntext/plain \\d+"), result.stdout());
            long coded = Long.parseLong(result.stdout().substring(result.stdout().lastIndexOf(' ') + 1));
            assertTrue(coded < BIG.length() / 2, protocol + ": compressed, " + coded + " bytes");
        }
    }

    /**
     * A handler that fails with a gzip stream open, none of whose bytes left the server, gets the server's 500 in
     * place of its response, not in gzip, and its compressor is let go.
     */
    @Test
    void aHandlerThatFailsBeforeItsCompressedBodyLeftIsAnswered500() throws Exception {
        RawResponse response = get("GET /fails-in-stream", "Accept-Encoding: gzip\r\n");
        assertEquals(500, response.status());
        assertEquals("internal server error\n", response.bodyText());
        assertFalse(response.headers().contains("Content-Encoding"), response.headers().toString());
    }

    /** A text body of unknown length whose source fails after 100 KiB, past what is compressed in memory. */
    private static final class FailingBody implements dev.wisp.core.Body {
        @Override
        public long length() {
            return -1;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            byte[] line = "a line of a body that will not be finished\n".getBytes(StandardCharsets.US_ASCII);
            for (int written = 0; written < 100 * 1024; written += line.length) {
                out.write(line);
            }
            out.flush();
            throw new IOException("the body's source failed");
        }
    }

    private static RawResponse get(String requestLine, String headers) throws Exception {
        RawResponse[] response = new RawResponse[1];
        RawPeer.talk(server.port(), peer -> {
            peer.send(requestLine + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n");
            response[0] = requestLine.startsWith("HEAD") ? peer.readResponseHead() : peer.readResponse();
        });
        return response[0];
    }

    private static Headers fieldsButDate(Headers headers) {
        return headers.toBuilder().remove("Date").build();
    }

    /** curl's {@code -D -} output without its Date line. */
    private static List<String> linesButDate(String curlHead) {
        return curlHead.lines().filter(line -> !line.toLowerCase(Locale.ROOT).startsWith("date:")).toList();
    }

    private static List<String> concat(List<String> command, String... more) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(more));
        return all;
    }

    private static String base() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The value of a header in curl's {@code -D -} output, which must hold it once. */
    private static String headerValue(String curlHead, String name) {
        List<String> values = curlHead.lines().filter(line -> line.regionMatches(true, 0, name + ":", 0,
                name.length() + 1)).map(line -> line.substring(name.length() + 1).strip()).toList();
        assertEquals(1, values.size(), curlHead);
        return values.get(0);
    }

    private static byte[] gzip(String text) throws IOException {
        return gzip(text, Deflater.DEFAULT_COMPRESSION);
    }

    private static byte[] gzip(String text, int level) throws IOException {
        ByteArrayOutputStream coded = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(coded) {
            {
                def.setLevel(level);
            }
        }) {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        return coded.toByteArray();
    }

    private static String gunzip(byte[] body) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
