package dev.wisp.client.internal;

import dev.wisp.core.Ascii;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.WireInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Tells a server that answered our HTTP/2 preface in HTTP/1.x, or in text without a status line. With prior knowledge
 * (h2c) the client only assumes the server speaks HTTP/2 (RFC 9113 §3.3); one that does not reads the preface as a
 * malformed HTTP/1.1 request and answers with a 400 or 505, whose first bytes, read as a frame header, make a frame
 * of nonsense ("type 0x50 frame of 4740180 bytes on stream 825110816"). A frame header is 9 bytes, so looking at the
 * first 7 before the frame reader does reads nothing it would not.
 */
final class Http1AnswerToPreface {
    private static final byte[] HTTP1 = "HTTP/1.".getBytes(StandardCharsets.US_ASCII);

    private Http1AnswerToPreface() {
    }

    /**
     * Fails if the server's first bytes are an HTTP/1.x status line; else leaves them for the frame reader. Blocks
     * until 7 bytes have come or the input ended (the frame reader then reports the end).
     *
     * @param tls whether ALPN chose h2, rather than prior knowledge
     * @throws MalformedMessageException naming the status line the server sent
     */
    static void reject(WireInput input, boolean tls) throws IOException {
        while (input.buffered() < HTTP1.length) {
            if (!input.fill()) {
                return;
            }
        }
        boolean http1 = Arrays.equals(input.buffer(), input.position(), input.position() + HTTP1.length, HTTP1, 0,
                HTTP1.length);
        if (!http1 && !isText(input)) {
            return;
        }
        String doesNot = tls ? "speak HTTP/2, although it chose h2 by ALPN" : "speak HTTP/2 with prior knowledge (h2c)";
        throw new MalformedMessageException("the server answered in " + (http1 ? "HTTP/1.x" : "text") + " (\""
                + statusLine(input) + "\"): it does not " + doesNot);
    }

    /**
     * Whether the first bytes are printable text, as no frame header can be: the server's first frame is SETTINGS,
     * at most 16,384 bytes long before it allows more, so its length's first byte is 0. Text is an answer without a
     * status line, as an HTTP/0.9 one (Python's http.server answers the preface's version so: a bare HTML page).
     */
    private static boolean isText(WireInput input) {
        byte[] buffer = input.buffer();
        for (int i = input.position(); i < input.position() + HTTP1.length; i++) {
            if (buffer[i] < 0x20 || buffer[i] > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** The status line, for the message: as much of it as comes, up to its end or what a message quotes. */
    private static String statusLine(WireInput input) {
        boolean more = true;
        while (more && lineLength(input) == input.buffered() && input.buffered() < Ascii.MAX_ECHO) {
            more = readMore(input);
        }
        return Ascii.escape(input.buffer(), input.position(), lineLength(input));
    }

    /** Reads more of the line; false once the input ended or failed: the server closed or reset after its answer. */
    private static boolean readMore(WireInput input) {
        try {
            return input.fill();
        } catch (IOException e) {
            return false;
        }
    }

    /** How many buffered bytes come before the first CR or LF (all of them if none). */
    private static int lineLength(WireInput input) {
        byte[] buffer = input.buffer();
        int end = input.position();
        while (end < input.limit() && buffer[end] != '\r' && buffer[end] != '\n') {
            end++;
        }
        return end - input.position();
    }
}
