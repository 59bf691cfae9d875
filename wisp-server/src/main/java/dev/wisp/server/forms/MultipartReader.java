package dev.wisp.server.forms;

import dev.wisp.core.Ascii;
import dev.wisp.core.Headers;
import dev.wisp.core.HeaderValidation;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.MultipartBoundary;
import dev.wisp.core.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578 on the framing of RFC 2046 §5.1) as it arrives: the head of
 * each part, then its content as a stream that ends at the next boundary delimiter. Holds one buffer of 8 KiB
 * whatever the size of the parts. Enforces {@code maxMultipartBytes}, {@code maxParts} and
 * {@code maxPartHeaderBytes}; the size of each part is bounded by whoever reads its content.
 *
 * <p>Calls, in order: {@link #nextPart()}, then any reads of {@link #content()}, then {@link #nextPart()} again,
 * which skips what was left of the content; null means the closing delimiter was read. Not thread-safe.
 */
final class MultipartReader {
    private static final int BUFFER_BYTES = 8 * 1024;

    private enum State { PREAMBLE, CONTENT, BETWEEN_PARTS, DONE }

    private final InputStream in;
    private final FormConfig config;
    /** CRLF "--" boundary: what ends a part's content (RFC 2046 §5.1.1). */
    private final byte[] delimiter;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;
    private boolean endOfInput;
    private long bytesRead;
    private int parts;
    private State state = State.PREAMBLE;
    private final ContentStream content = new ContentStream();

    MultipartReader(InputStream in, String boundary, FormConfig config) throws MalformedMessageException {
        this.in = in;
        this.config = config;
        this.delimiter = ("\r\n--" + requireValidBoundary(boundary)).getBytes(StandardCharsets.US_ASCII);
        // The first delimiter may open the body without the CRLF before it; reading as if the body began with a
        // CRLF lets one search find every delimiter.
        buffer[0] = '\r';
        buffer[1] = '\n';
        limit = 2;
    }

    /**
     * RFC 2046 §5.1.1: 1 to 70 characters from bchars, not ending with a space.
     *
     * @throws MalformedMessageException if the boundary breaks that rule
     */
    static String requireValidBoundary(String boundary) throws MalformedMessageException {
        if (!MultipartBoundary.isValid(boundary)) {
            throw new MalformedMessageException("multipart boundary is not 1 to 70 characters of digits, letters and"
                    + " '()+_,-./:=? : '" + Ascii.escape(boundary) + "'");
        }
        return boundary;
    }

    /**
     * Reads up to the next part's content and returns its header fields, as ISO-8859-1 text; null once the closing
     * delimiter was read.
     *
     * @throws MalformedMessageException if the framing is broken or the body ends before its closing delimiter
     * @throws MessageTooLargeException if a limit is crossed
     */
    Headers nextPart() throws IOException {
        if (state == State.DONE) {
            return null;
        }
        if (state != State.BETWEEN_PARTS) {
            // RFC 2046 §5.1.1: the preamble before the first delimiter is ignored, as is unread content.
            content.skipRest();
        }
        if (ensure(2) && buffer[position] == '-' && buffer[position + 1] == '-') {
            position += 2;
            state = State.DONE;
            skipEpilogue();
            return null;
        }
        skipTransportPadding();
        if (++parts > config.maxParts()) {
            throw new MessageTooLargeException(Status.CONTENT_TOO_LARGE, "multipart body has more than "
                    + config.maxParts() + " parts (maxParts)", "maxParts", config.maxParts());
        }
        Headers headers = readHeaders();
        state = State.CONTENT;
        content.start();
        return headers;
    }

    /** The current part's content; it returns -1 at the delimiter that ends it. */
    InputStream content() {
        return content;
    }

    /** After the delimiter: optional spaces and tabs (transport padding), then CRLF. */
    private void skipTransportPadding() throws IOException {
        while (ensure(1) && (buffer[position] == ' ' || buffer[position] == '\t')) {
            position++;
        }
        if (!ensure(2) || buffer[position] != '\r' || buffer[position + 1] != '\n') {
            throw new MalformedMessageException(endOfInput && limit - position < 2
                    ? "multipart body ended before its closing boundary"
                    : "multipart boundary delimiter is not followed by CRLF or '--'");
        }
        position += 2;
    }

    private Headers readHeaders() throws IOException {
        Headers.Builder headers = Headers.builder();
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        long budget = config.maxPartHeaderBytes();
        while (true) {
            line.reset();
            budget -= readLine(line, budget);
            String text = line.toString(StandardCharsets.ISO_8859_1);
            if (!text.endsWith("\r")) {
                throw new MalformedMessageException("multipart part header line does not end with CRLF: '"
                        + Ascii.escape(text) + "'");
            }
            text = text.substring(0, text.length() - 1);
            if (text.isEmpty()) {
                return headers.build();
            }
            int colon = text.indexOf(':');
            String name = colon < 0 ? "" : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + 1).strip();
            if (!HeaderValidation.isToken(name) || !HeaderValidation.isFieldValue(value)) {
                throw new MalformedMessageException("multipart part has a malformed header line: '"
                        + Ascii.escape(text) + "'");
            }
            headers.add(name, value);
        }
    }

    /** Reads one line into out, up to but without its LF; returns the bytes it took, the LF included. */
    private int readLine(ByteArrayOutputStream out, long budget) throws IOException {
        int taken = 0;
        while (true) {
            if (!ensure(1)) {
                throw new MalformedMessageException("multipart body ended in a part's header section");
            }
            int end = position;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            boolean complete = end < limit;
            int length = end - position + (complete ? 1 : 0);
            if (taken + length > budget) {
                throw new MessageTooLargeException(Status.CONTENT_TOO_LARGE, "multipart part header section",
                        config.maxPartHeaderBytes(), "maxPartHeaderBytes");
            }
            out.write(buffer, position, end - position);
            taken += length;
            position += length;
            if (complete) {
                return taken;
            }
        }
    }

    /** RFC 2046 §5.1.1: what follows the closing delimiter is an epilogue, read (within the limit) and dropped. */
    private void skipEpilogue() throws IOException {
        position = limit;
        while (fill()) {
            position = limit;
        }
    }

    /** Whether at least n bytes are buffered after position, reading more if needed (n at most the buffer). */
    private boolean ensure(int n) throws IOException {
        while (limit - position < n) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /** Moves the unread bytes to the front and reads more after them; false at the end of the input. */
    private boolean fill() throws IOException {
        if (endOfInput) {
            return false;
        }
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            endOfInput = true;
            return false;
        }
        bytesRead += n;
        if (bytesRead > config.maxMultipartBytes()) {
            throw new MessageTooLargeException(Status.CONTENT_TOO_LARGE, "multipart body",
                    config.maxMultipartBytes(), "maxMultipartBytes");
        }
        limit += n;
        return true;
    }

    /** Index of the delimiter in the buffered bytes from position, or -1. */
    private int findDelimiter() {
        int last = limit - delimiter.length;
        outer:
        for (int i = position; i <= last; i++) {
            for (int j = 0; j < delimiter.length; j++) {
                if (buffer[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** One part's content: the bytes up to the next delimiter, which it consumes. */
    private final class ContentStream extends InputStream {
        private boolean ended;

        void start() {
            ended = false;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            if (ended || state == State.DONE || state == State.BETWEEN_PARTS) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            ensure(delimiter.length);
            int found = findDelimiter();
            if (found == position) {
                position += delimiter.length;
                ended = true;
                state = State.BETWEEN_PARTS;
                return -1;
            }
            if (found < 0 && endOfInput) {
                throw new MalformedMessageException(state == State.PREAMBLE
                        ? "multipart body has no boundary delimiter" : "multipart body ended before its closing"
                        + " boundary");
            }
            // Without a delimiter in sight, the last bytes may be the start of one: keep them for the next read.
            int available = (found >= 0 ? found : limit - delimiter.length + 1) - position;
            int n = Math.min(length, available);
            System.arraycopy(buffer, position, into, offset, n);
            position += n;
            return n;
        }

        /** Reads and drops the content up to and including the delimiter. */
        void skipRest() throws IOException {
            byte[] scratch = new byte[BUFFER_BYTES];
            while (read(scratch, 0, scratch.length) >= 0) {
                // dropped
            }
        }
    }
}
