package dev.wisp.http1;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderValidation;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.WireInput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the readers: whatever bytes arrive, a reader returns a value or throws an
 * {@link HttpProtocolException} or {@link EOFException}; no other exception escapes and nothing loops. A failure
 * names the iteration and the exact input, so it can be replayed as a unit test.
 *
 * <p>For a longer hunt: {@code -Dwisp.fuzz.iterations=1000000 -Dwisp.fuzz.seed=42} (the seed is added to each
 * test's own).
 */
class Http1ReaderFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("wisp.fuzz.iterations", 20_000);
    private static final long SEED = Long.getLong("wisp.fuzz.seed", 0);
    private static final Duration TIME_LIMIT = Duration.ofSeconds(30).multipliedBy(Math.max(1, ITERATIONS / 20_000));
    /** Small limits, so that mutations reach them. */
    private static final Http1Limits LIMITS = new Http1Limits(200, 400, 12, 48);
    /** The pool minimum, which lines outgrow. */
    private static final int SMALL_BUFFER = 64;
    /** Larger than every limit, so that the buffer never decides an outcome. */
    private static final int LARGE_BUFFER = 512;
    private static final long MAX_BODY_BYTES = 4096;

    private static final String[] REQUESTS = {
        "GET /a/b%20c/./d/../e?x=1&y=%C3%A9+z HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\n\r\n",
        "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world",
        "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ,\r\ntransfer-encoding: CHUNKED\r\n\r\n0\r\n\r\n",
        "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=\"a b\"\r\nhello\r\nA\r\n0123456789\r\n"
                + "0;last\r\nX-Trailer: t\r\n\r\n",
        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET http://example.com/x?q HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive, Upgrade\r\n\r\n",
        "\r\nGET / HTTP/1.0\nContent-Length: 5, 5\n\nbody!",
    };
    private static final String[] RESPONSES = {
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nTrailer: 1\r\n\r\n",
        "HTTP/1.0 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>gone</p>",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nTransfer-Encoding: gzip\r\n\r\n",
    };
    private static final String[] CHUNKED_BODIES = {
        "5\r\nhello\r\n0\r\n\r\n",
        "1;a=b;c=\"d;e\"\r\nx\r\n00010\r\n0123456789abcdef\r\n0\r\nX-A: 1\r\nX-B: 2\r\n\r\n",
        "A \t; ext\r\n0123456789\r\n0\r\n\r\nNEXT",
        "0\r\n\r\n",
    };

    /** Reads a message and returns what was read, so that deliveries can be compared. */
    @FunctionalInterface
    private interface Target {
        Object read(WireInput in) throws IOException;
    }

    @Test
    void requestReaderOnlyReturnsHeadsOrThrowsProtocolExceptions() {
        fuzz(0x5eed_0001L, REQUESTS, Http1ReaderFuzzTest::readRequest);
    }

    @Test
    void chunkedDecoderOnlyReturnsBodiesOrThrowsProtocolExceptions() {
        fuzz(0x5eed_0002L, CHUNKED_BODIES, Http1ReaderFuzzTest::readChunked);
    }

    @Test
    void responseReaderOnlyReturnsHeadsOrThrowsProtocolExceptions() {
        fuzz(0x5eed_0003L, RESPONSES, Http1ReaderFuzzTest::readResponse);
    }

    private static Object readRequest(WireInput in) throws IOException {
        RequestHead head = new Http1RequestReader(LIMITS).readHead(in);
        requireValid(head.headers());
        if (!HeaderValidation.isToken(head.method().name())) {
            throw new AssertionError("method is not a token: " + head.method());
        }
        requireRoundTrip(head, Writing.bytes(out -> Http1HeadWriter.writeRequestHead(out, head)),
                again -> new Http1RequestReader(Http1Limits.defaults()).readHead(again));
        Http1Framing framing = Http1Framing.ofRequest(head);
        if (framing instanceof Http1Framing.UntilClose) {
            throw new AssertionError("a request body framed until close");
        }
        return List.of(head, framing, Bodies.readAll(Bodies.open(in, framing, LIMITS, MAX_BODY_BYTES), 5));
    }

    private static Object readResponse(WireInput in) throws IOException {
        Http1ResponseReader reader = new Http1ResponseReader(LIMITS);
        ResponseHead head = reader.readHead(in);
        while (head.status().isInformational()) {
            head = reader.readHead(in);
        }
        requireValid(head.headers());
        ResponseHead last = head;
        byte[] written = Writing.bytes(out -> Http1HeadWriter.writeResponseHead(out, last));
        requireRoundTrip(List.of(head.status(), head.headers()), written, again -> {
            ResponseHead read = new Http1ResponseReader(Http1Limits.defaults()).readHead(again);
            return List.of(read.status(), read.headers());
        });
        Http1Framing framing = Http1Framing.ofResponse(Method.GET, head.status(), head.headers());
        return List.of(head, framing, Bodies.readAll(Bodies.open(in, framing, LIMITS, MAX_BODY_BYTES), 5));
    }

    private static Object readChunked(WireInput in) throws IOException {
        Bodies.Body body = Bodies.readAll(new ChunkedBodyInputStream(in, LIMITS, MAX_BODY_BYTES), 3);
        requireRoundTrip(body, Writing.bytes(out -> {
            ChunkedBodyOutputStream writer = new ChunkedBodyOutputStream(out);
            writer.write(body.content().getBytes(StandardCharsets.ISO_8859_1));
            writer.finish(body.trailers());
        }), again -> Bodies.readAll(new ChunkedBodyInputStream(again, Http1Limits.defaults(),
                Long.MAX_VALUE), 3));
        return List.of(body, Feeding.rest(in));
    }

    /** Whatever a reader accepts must be writable again as it is. */
    private static void requireValid(Headers headers) {
        for (int i = 0; i < headers.size(); i++) {
            if (!HeaderValidation.isToken(headers.name(i)) || !HeaderValidation.isFieldValue(headers.value(i))) {
                throw new AssertionError("invalid field accepted: " + Ascii.escape(headers.name(i) + ": "
                        + headers.value(i)));
            }
        }
    }

    /** What was read, written again, must read back the same with default limits. */
    private static void requireRoundTrip(Object read, byte[] written, Feeding.Codec<Object> readBack) {
        Object again;
        try {
            again = readBack.read(WireInput.of(written));
        } catch (IOException e) {
            throw new AssertionError("could not read back " + WireMutator.describe(written) + ": " + e, e);
        }
        if (!again.equals(read)) {
            throw new AssertionError("read back " + again + " instead of " + read);
        }
    }

    private static void fuzz(long seed, String[] seeds, Target target) {
        assertTimeoutPreemptively(TIME_LIMIT, () -> {
            Random random = new Random(seed + SEED);
            WireMutator mutator = new WireMutator(random);
            byte[][] valid = Arrays.stream(seeds).map(Ascii::bytes).toArray(byte[][]::new);
            for (byte[] message : valid) {
                check(message, target, -1, random);
            }
            for (int iteration = 0; iteration < ITERATIONS; iteration++) {
                byte[] input = mutator.mutate(valid[random.nextInt(valid.length)]);
                try {
                    check(input, target, iteration, random);
                } catch (HttpProtocolException | EOFException expected) {
                    // The outcome a malformed message may have.
                }
            }
        });
    }

    /**
     * Reads the input in random pieces with the smallest buffer, which lines outgrow; then whole, one byte a read
     * and in random pieces with a buffer larger than every limit, which must all agree. Fails on any exception
     * but a protocol exception or EOFException.
     */
    private static void check(byte[] input, Target target, int iteration, Random random) throws IOException {
        long piecesSeed = random.nextLong();
        try {
            try {
                target.read(Feeding.randomPieces(input, SMALL_BUFFER, new Random(piecesSeed), 40));
            } catch (HttpProtocolException | EOFException expected) {
                // Crossing the small buffer may fail earlier than the other deliveries; only the type matters.
            }
            Feeding.readEach(target::read, List.of(
                    new Feeding.Delivery("whole", () -> WireInput.of(input)),
                    new Feeding.Delivery("one byte a read", () -> Feeding.oneByteAtATime(input, LARGE_BUFFER)),
                    new Feeding.Delivery("random pieces", () -> Feeding.randomPieces(input, LARGE_BUFFER,
                            new Random(piecesSeed), 40))));
        } catch (HttpProtocolException | EOFException expected) {
            throw expected;
        } catch (IOException | RuntimeException | AssertionError e) {
            fail("iteration " + iteration + ": " + e + " for input " + WireMutator.describe(input), e);
        }
    }
}
