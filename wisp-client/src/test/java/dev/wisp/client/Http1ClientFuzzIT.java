package dev.wisp.client;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wisp.testing.FuzzBytes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Seeded mutations of valid HTTP/1.1 responses (RFC 9112), played by a scripted server over real sockets: each case
 * is one to three calls (some sending a body after {@code Expect: 100-continue}), each answered by a response of its
 * own, mutated or not, written in pieces, on a connection kept alive or closed. Every call must end within a bound,
 * in a response whose body reads to its end or in one of the client's {@link HttpCallException}s; a response that
 * was not mutated, on a connection that carried nothing mutated before it, must read exactly as sent. After each
 * case no connection is left in use and the client still serves a call to a good server; at the end, closing the
 * client closes every connection. The seed is {@code wisp.fuzz.seed}, the number of cases
 * {@code wisp.fuzz.socketIterations}; a failure names the seed, the case and its bytes.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the other classes, its two tests too (they mostly wait out read timeouts)
@Order(1) // the longest of the module: started first
class Http1ClientFuzzIT {
    private static final Pattern TARGET = Pattern.compile("^[A-Z]+ /c(\\d+)/e(\\d+) ");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)");
    private static final String REQUEST_BODY = "posted";
    /** A body longer than the client's buffers, which are made as small as they may be. */
    private static final String LARGE_BODY = "0123456789abcdefghijklmnopqrstuvwxyz".repeat(84).substring(0, 3000);
    private static final List<Template> TEMPLATES = templates();

    /** A valid response to a request of this method, and what the client must make of it. */
    private record Template(String method, boolean decompress, byte[] response, int status, String body,
            String trailer, boolean closes) {
    }

    /** One call of a case: the bytes the server answers with, in pieces, and whether it closes after them. */
    private record Exchange(Template template, byte[] response, List<byte[]> pieces, boolean mutated,
            boolean closes) {
        @Override
        public String toString() {
            return template.method() + (template.decompress() ? " (gzip)" : "") + (mutated ? " mutated" : "")
                    + (closes ? ", then close" : "") + ", written in " + pieces.size() + ": \""
                    + FuzzBytes.escape(response) + "\"";
        }
    }

    /** The calls of one case, and which of them the server wrote only on connections clean of mutations so far. */
    private static final class Case {
        final int number;
        final List<Exchange> exchanges;
        final boolean[] written;
        final boolean[] writtenAfterMutation;

        Case(int number, List<Exchange> exchanges) {
            this.number = number;
            this.exchanges = exchanges;
            this.written = new boolean[exchanges.size()];
            this.writtenAfterMutation = new boolean[exchanges.size()];
        }

        synchronized void recordWrite(int exchange, boolean connectionClean) {
            written[exchange] = true;
            writtenAfterMutation[exchange] |= !connectionClean;
        }

        synchronized boolean isVerifiable(int exchange) {
            return !exchanges.get(exchange).mutated() && written[exchange] && !writtenAfterMutation[exchange];
        }
    }

    private static final ClientConfig CONFIG = ClientConfig.builder()
            .readTimeout(Duration.ofMillis(400))
            .maxStatusLineBytes(64)
            .maxHeaderBytes(2048)
            .maxChunkLineBytes(64)
            .bufferBytes(1024)
            .expectContinueTimeout(Duration.ofMillis(50))
            .redirectPolicy(RedirectPolicy.none())
            .build();

    @Test
    void endsEveryCallInAResponseOrATypedFailureAndKeepsWorking() {
        Random random = new Random(FuzzBytes.SEED);
        AtomicReference<Case> current = new AtomicReference<>();
        assertTimeoutPreemptively(FuzzBytes.RUN_BOUND, () -> {
            try (ScriptedServer fuzzing = ScriptedServer.start((socket, index, self) -> play(socket, self, current));
                    ScriptedServer good = ScriptedServer.start(Http1ClientFuzzIT::answerOk)) {
                Client client = Client.create(CONFIG);
                Counts counts = new Counts();
                for (int i = 0; i < FuzzBytes.ITERATIONS; i++) {
                    Case fuzzCase = newCase(i, random);
                    current.set(fuzzCase);
                    String where = "seed " + FuzzBytes.SEED + ", case " + i;
                    for (int e = 0; e < fuzzCase.exchanges.size(); e++) {
                        counts.add(fuzzCase, e, FuzzOutcome.await(FuzzOutcome.start(client,
                                request(fuzzing, fuzzCase, e)), where + ", call " + e + " of " + fuzzCase.exchanges),
                                where);
                    }
                    assertEquals(client.idleConnections(), client.openConnections(),
                            where + ": a connection is still in use after every response closed");
                    try (Response response = client.send(Request.get(good.url("/good")))) {
                        assertEquals("ok", response.text(), where + ": a call to a good server");
                    }
                }
                counts.assertVaried();
                client.close();
                Eventually.assertEventually(() -> fuzzing.openConnections() + good.openConnections() == 0,
                        () -> "connections left open after the client closed");
            }
        });
    }

    /**
     * The same cases on a {@link ClientConnection} that pipelines (RFC 9112 §9.3.2): a case's calls go out at once, in
     * order, on one connection, and a response broken or cut fails the calls behind it, typed.
     */
    @Test
    void endsEveryPipelinedCallInAResponseOrATypedFailure() {
        Random random = new Random(FuzzBytes.SEED);
        ClientConfig pipelining = CONFIG.toBuilder().pipelining(true).build();
        AtomicReference<Case> current = new AtomicReference<>();
        assertTimeoutPreemptively(FuzzBytes.RUN_BOUND, () -> {
            try (ScriptedServer fuzzing = ScriptedServer.start((socket, index, self) -> play(socket, self, current))) {
                Counts counts = new Counts();
                for (int i = 0; i < FuzzBytes.ITERATIONS; i++) {
                    Case fuzzCase = newCase(i, random);
                    current.set(fuzzCase);
                    String where = "seed " + FuzzBytes.SEED + ", pipelined case " + i;
                    List<CompletableFuture<FuzzOutcome>> calls = new ArrayList<>();
                    try (ClientConnection connection = ClientConnection.connect(
                            Origin.plaintext("127.0.0.1", fuzzing.port()), pipelining)) {
                        for (int e = 0; e < fuzzCase.exchanges.size(); e++) {
                            calls.add(FuzzOutcome.of(connection.sendAsync(request(fuzzing, fuzzCase, e))));
                        }
                        for (int e = 0; e < calls.size(); e++) {
                            counts.add(fuzzCase, e, FuzzOutcome.await(calls.get(e), where + ", call " + e + " of "
                                    + fuzzCase.exchanges), where);
                        }
                    }
                }
                counts.assertVaried();
                Eventually.assertEventually(() -> fuzzing.openConnections() == 0,
                        () -> fuzzing.openConnections() + " connections left open after every one closed");
            }
        });
    }

    /** How many calls read a response as sent and how many failed, so that a run shows it tried both. */
    private static final class Counts {
        int verified;
        int failed;

        void add(Case fuzzCase, int exchange, FuzzOutcome outcome, String where) {
            verified += check(fuzzCase, exchange, outcome, where) ? 1 : 0;
            failed += outcome.failure() != null ? 1 : 0;
        }

        void assertVaried() {
            assertTrue(verified >= FuzzBytes.ITERATIONS / 10 && failed >= FuzzBytes.ITERATIONS / 10,
                    verified + " responses read as sent, " + failed + " calls failed: the cases are too alike");
        }
    }

    private static Case newCase(int number, Random random) {
        List<Exchange> exchanges = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int e = 0; e < count; e++) {
            Template template = TEMPLATES.get(random.nextInt(TEMPLATES.size()));
            boolean mutated = random.nextInt(10) < 7;
            byte[] response = mutated ? FuzzBytes.mutate(template.response(), random) : template.response();
            boolean closes = mutated ? random.nextInt(3) == 0 : template.closes();
            exchanges.add(new Exchange(template, response, FuzzBytes.split(response, random), mutated, closes));
        }
        return new Case(number, List.copyOf(exchanges));
    }

    private static Request request(ScriptedServer server, Case fuzzCase, int exchange) {
        Template template = fuzzCase.exchanges.get(exchange).template();
        Request.Builder request = Request.builder(server.url("/c" + fuzzCase.number + "/e" + exchange))
                .method(template.method()).decompress(template.decompress());
        if (template.method().equals("POST")) {
            request.body(REQUEST_BODY).expectContinue(true);
        }
        return request.build();
    }

    /** Checks a call's outcome, and says whether it was a response the server sent valid and whole. */
    private static boolean check(Case fuzzCase, int exchange, FuzzOutcome outcome, String where) {
        String what = where + ", call " + exchange + " of " + fuzzCase.exchanges;
        outcome.assertTyped(what);
        if (!fuzzCase.isVerifiable(exchange)) {
            return false;
        }
        Template template = fuzzCase.exchanges.get(exchange).template();
        outcome.assertRead(template.status(), template.body(), template.trailer(), what);
        return true;
    }

    /**
     * The fuzzing server's script: answers each request with the exchange its target names, in the case its test
     * plays now (each test has its own, so the two run at once).
     */
    private static void play(Socket socket, ScriptedServer self, AtomicReference<Case> current) throws IOException {
        socket.setTcpNoDelay(true);
        OutputStream out = socket.getOutputStream();
        boolean clean = true;
        while (true) {
            String head = self.readHead(socket.getInputStream());
            Matcher target = TARGET.matcher(head);
            Case fuzzCase = current.get();
            if (!target.find() || Integer.parseInt(target.group(1)) != fuzzCase.number) {
                return;
            }
            int number = Integer.parseInt(target.group(2));
            Exchange exchange = fuzzCase.exchanges.get(number);
            Matcher length = CONTENT_LENGTH.matcher(head);
            if (length.find()) {
                // The body comes when the client's expectContinueTimeout ends: the 100 Continue, if any, is late.
                socket.getInputStream().readNBytes(Integer.parseInt(length.group(1)));
            }
            fuzzCase.recordWrite(number, clean);
            for (byte[] piece : exchange.pieces()) {
                out.write(piece);
                out.flush();
            }
            clean &= !exchange.mutated();
            if (exchange.closes()) {
                closeGracefully(socket);
                return;
            }
        }
    }

    /**
     * Ends the output, then reads what the client still sends (requests pipelined behind the last response) until it
     * closes, as RFC 9112 §9.6 asks of a server: a close with unread input would reset the connection and could
     * destroy the response before the client read it.
     */
    private static void closeGracefully(Socket socket) throws IOException {
        socket.shutdownOutput();
        socket.setSoTimeout(1000);
        socket.getInputStream().transferTo(OutputStream.nullOutputStream());
    }

    private static void answerOk(Socket socket, int index, ScriptedServer self) throws IOException {
        while (true) {
            self.readHead(socket.getInputStream());
            ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }
    }

    private static List<Template> templates() {
        return List.of(
                template("GET", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
                        200, "hello", null, false),
                template("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n"
                        + "6;a=\"b c\"\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n", 200, "hello world", "t", false),
                template("GET", "HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n"
                        + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                        200, "ok", null, false),
                template("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n", 200, "", null, false),
                template("POST", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
                        201, "ok", null, false),
                template("POST", "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nreceived", 200, "received", null,
                        false),
                template("GET", "HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n", 204, "", null, false),
                template("GET", "HTTP/1.1 304 Not Modified\r\nETag: \"a\"\r\nContent-Length: 10\r\n\r\n", 304, "",
                        null, false),
                template("GET", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end", 200, "until the end",
                        null, true),
                template("GET", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 4\r\n\r\nold!", 200,
                        "old!", null, false),
                template("GET", "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nX-A: 1\r\nX-A: 2\r\n\r\nnot found",
                        404, "not found", null, false),
                template("GET", "HTTP/1.1 200 OK\r\nX-Long: " + "v".repeat(1000) + "\r\nContent-Length: 3000\r\n\r\n"
                        + LARGE_BODY, 200, LARGE_BODY, null, false),
                template("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n"
                        + LARGE_BODY.substring(0, 1000) + "\r\n7D0\r\n" + LARGE_BODY.substring(1000) + "\r\n0\r\n\r\n",
                        200, LARGE_BODY, null, false),
                new Template("GET", true, FuzzBytes.concat(("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n").getBytes(ISO_8859_1), chunked(gzip("zipped text"))),
                        200, "zipped text", null, false));
    }

    private static Template template(String method, String response, int status, String body, String trailer,
            boolean closes) {
        return new Template(method, false, response.getBytes(ISO_8859_1), status, body, trailer, closes);
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(ISO_8859_1));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    /** The bytes as two chunks and the last chunk. */
    private static byte[] chunked(byte[] bytes) {
        int half = bytes.length / 2;
        return FuzzBytes.concat(
                (Integer.toHexString(half) + "\r\n").getBytes(ISO_8859_1), Arrays.copyOfRange(bytes, 0, half),
                ("\r\n" + Integer.toHexString(bytes.length - half) + "\r\n").getBytes(ISO_8859_1),
                Arrays.copyOfRange(bytes, half, bytes.length), "\r\n0\r\n\r\n".getBytes(ISO_8859_1));
    }
}
