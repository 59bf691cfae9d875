package dev.wisp.http1;

import dev.wisp.core.Ascii;
import dev.wisp.core.Authority;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.HeaderValidation;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.RequestTarget;
import dev.wisp.core.Status;
import dev.wisp.core.UnsupportedVersionException;
import dev.wisp.core.Version;
import dev.wisp.core.WireInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads a request head (RFC 9112 §2-§5): the request line and header section, strictly. Checks what a server
 * must check before trusting the head: the target form fits the method (§3.2), and an HTTP/1.1 request has
 * exactly one valid Host (§3.2). Framing is decided separately by {@link Http1Framing}.
 *
 * <p>Stateless and thread-safe; one instance serves every connection with the same limits.
 */
public final class Http1RequestReader {
    /** RFC 9112 §2.2: ignore at least one empty line before the request line; we ignore a few, no more. */
    private static final int MAX_LEADING_EMPTY_LINES = 4;

    /** The standard methods, most frequent first, and their names as bytes. */
    private static final Method[] STANDARD_METHODS = {
        Method.GET, Method.POST, Method.HEAD, Method.PUT, Method.DELETE, Method.OPTIONS, Method.PATCH, Method.CONNECT,
        Method.TRACE,
    };
    private static final byte[][] STANDARD_METHOD_NAMES = new byte[STANDARD_METHODS.length][];

    static {
        for (int i = 0; i < STANDARD_METHODS.length; i++) {
            STANDARD_METHOD_NAMES[i] = Ascii.bytes(STANDARD_METHODS[i].name());
        }
    }

    private final Http1Limits limits;
    /** Made once, not per request line. */
    private final LineScanner.TooLong requestLineTooLong;
    private final FieldSectionReader headerSection;

    public Http1RequestReader(Http1Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.requestLineTooLong = () -> new MessageTooLargeException(Status.URI_TOO_LONG, "request line",
                limits.maxStartLineBytes(), Http1MessageType.REQUEST.startLineLimitName());
        this.headerSection = new FieldSectionReader(limits, Http1MessageType.REQUEST, "header section");
    }

    /**
     * Reads one request head, blocking until it has arrived: {@link #readRequestLine} and then
     * {@link #readHead(WireInput, Http1RequestLine)}.
     *
     * @throws MalformedMessageException (400) for a malformed request line or header section
     * @throws MessageTooLargeException 414 for a long request line, 431 for a large header section
     * @throws UnsupportedVersionException (505) for an HTTP major version other than 1
     * @throws java.io.EOFException if the stream ends before the head does
     */
    public RequestHead readHead(WireInput in) throws IOException {
        return readHead(in, readRequestLine(in));
    }

    /**
     * Reads the request line, after at most a few empty lines, and checks its syntax. A failure leaves the input
     * where the line starts, so that what arrived of it can still be told ({@link #receivedLine}).
     *
     * @throws MalformedMessageException (400) for a malformed request line
     * @throws MessageTooLargeException (414) for a request line over {@link Http1Limits#maxStartLineBytes()}
     * @throws UnsupportedVersionException (505) for an HTTP major version other than 1
     * @throws java.io.EOFException if the stream ends before the line does
     */
    public Http1RequestLine readRequestLine(WireInput in) throws IOException {
        int lf;
        int emptyLines = 0;
        while (true) {
            lf = LineScanner.scanLine(in, limits.maxStartLineBytes(), requestLineTooLong);
            if (LineScanner.contentEnd(in, lf) != in.position() || ++emptyLines > MAX_LEADING_EMPTY_LINES) {
                break;
            }
            in.skip(lf + 1 - in.position());
        }
        byte[] buffer = in.buffer();
        int start = in.position();
        int end = LineScanner.contentEnd(in, lf);
        if (end == start) {
            throw new MalformedMessageException("too many empty lines before the request line");
        }
        LineScanner.rejectBareCr(buffer, start, end, "request line");

        int methodEnd = indexOf(buffer, start, end, (byte) ' ');
        if (methodEnd <= start) {
            throw malformedLine(buffer, start, end);
        }
        int targetEnd = indexOf(buffer, methodEnd + 1, end, (byte) ' ');
        if (targetEnd < 0 || targetEnd == methodEnd + 1) {
            throw malformedLine(buffer, start, end);
        }
        Method method = parseMethod(buffer, start, methodEnd);
        String rawTarget = parseTargetText(buffer, methodEnd + 1, targetEnd, start, end);
        Version version = parseVersion(buffer, targetEnd + 1, end, start);
        in.skip(lf + 1 - start);
        return new Http1RequestLine(method, rawTarget, version);
    }

    /**
     * Reads the header section after the request line, and checks what a server must before trusting the head: the
     * target's form and syntax, and the Host field.
     *
     * @throws MalformedMessageException (400) for a malformed target or header section, or a missing or bad Host
     * @throws MessageTooLargeException (431) for a header section over its limits
     * @throws java.io.EOFException if the stream ends before the head does
     */
    public RequestHead readHead(WireInput in, Http1RequestLine line) throws IOException {
        RequestTarget target = parseTarget(line.method(), line.target());
        Headers headers = headerSection.read(in);
        checkHost(line.version(), target, headers);
        return new RequestHead(line.method(), target, line.version(), headers);
    }

    /**
     * What the input holds of a request line it could not read, from its position (where {@link #readRequestLine}
     * left it) to the end of the line, or of what arrived, at most {@link Http1Limits#maxStartLineBytes()} bytes;
     * as ISO-8859-1 text, for a log. Reads nothing.
     */
    public String receivedLine(WireInput in) {
        byte[] buffer = in.buffer();
        if (buffer == null) {
            return "";
        }
        int start = in.position();
        int end = Math.min(in.limit(), start + limits.maxStartLineBytes());
        int lf = indexOf(buffer, start, end, (byte) '\n');
        if (lf >= 0) {
            end = LineScanner.contentEnd(in, lf);
        }
        return new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static Method parseMethod(byte[] buffer, int start, int end) throws MalformedMessageException {
        for (int i = start; i < end; i++) {
            if (!HeaderValidation.isTokenChar(buffer[i])) {
                throw new MalformedMessageException("method is not a token: '"
                        + Ascii.escape(buffer, start, end - start) + "'");
            }
        }
        // The standard methods are matched in the buffer, so almost every request line makes no method string.
        for (int i = 0; i < STANDARD_METHODS.length; i++) {
            byte[] name = STANDARD_METHOD_NAMES[i];
            if (Arrays.equals(name, 0, name.length, buffer, start, end)) {
                return STANDARD_METHODS[i];
            }
        }
        return Method.of(new String(buffer, start, end - start, StandardCharsets.ISO_8859_1));
    }

    private static String parseTargetText(byte[] buffer, int start, int end, int lineStart, int lineEnd)
            throws MalformedMessageException {
        for (int i = start; i < end; i++) {
            int c = buffer[i] & 0xff;
            if (c <= 0x20 || c >= 0x7f) {
                throw new MalformedMessageException("request target has a control, space or non-ASCII byte: '"
                        + Ascii.escape(buffer, lineStart, lineEnd - lineStart) + "'");
            }
        }
        return new String(buffer, start, end - start, StandardCharsets.ISO_8859_1);
    }

    /** HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3) */
    private static Version parseVersion(byte[] buffer, int start, int end, int lineStart) throws IOException {
        int length = end - start;
        if (length != 8 || buffer[start] != 'H' || buffer[start + 1] != 'T' || buffer[start + 2] != 'T'
                || buffer[start + 3] != 'P' || buffer[start + 4] != '/' || buffer[start + 6] != '.'
                || !isDigit(buffer[start + 5]) || !isDigit(buffer[start + 7])) {
            throw new MalformedMessageException("malformed HTTP version in request line: '"
                    + Ascii.escape(buffer, lineStart, end - lineStart) + "'");
        }
        if (buffer[start + 5] != '1') {
            throw new UnsupportedVersionException(new String(buffer, start, length, StandardCharsets.ISO_8859_1));
        }
        // RFC 9110 §6.2: a 1.x minor version above ours is answered as the highest we speak, 1.1.
        return buffer[start + 7] == '0' ? Version.HTTP_1_0 : Version.HTTP_1_1;
    }

    private static RequestTarget parseTarget(Method method, String raw) throws MalformedMessageException {
        if (method.equals(Method.CONNECT)) {
            return RequestTarget.parseAuthority(raw);
        }
        RequestTarget target = RequestTarget.parse(raw);
        if (target.form() == RequestTarget.Form.ASTERISK && !method.equals(Method.OPTIONS)) {
            throw new MalformedMessageException("asterisk-form target is only allowed with OPTIONS, not " + method);
        }
        return target;
    }

    /** RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without Host, or with several or bad ones. */
    private static void checkHost(Version version, RequestTarget target, Headers headers)
            throws MalformedMessageException {
        int count = headers.count(HeaderNames.HOST);
        if (count > 1) {
            throw new MalformedMessageException("request has " + count + " Host header fields");
        }
        if (count == 0) {
            if (version == Version.HTTP_1_1) {
                throw new MalformedMessageException("HTTP/1.1 request has no Host header field");
            }
            return;
        }
        String host = headers.firstOrNull(HeaderNames.HOST);
        if (!Authority.isValid(host)) {
            throw new MalformedMessageException("invalid Host header field: '" + Ascii.escape(host) + "'");
        }
    }

    private static MalformedMessageException malformedLine(byte[] buffer, int start, int end) {
        return new MalformedMessageException("malformed request line: '" + Ascii.escape(buffer, start, end - start)
                + "'");
    }

    private static int indexOf(byte[] buffer, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
