package dev.wisp.http1;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderValidation;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.UnsupportedVersionException;
import dev.wisp.core.Version;
import dev.wisp.core.WireInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads a response head (RFC 9112 §4): status line and header section, for a client. Interim 1xx responses are
 * returned like any other; the caller reads again for the final one.
 *
 * <p>Stateless and thread-safe.
 */
public final class Http1ResponseReader {
    private final Http1Limits limits;
    private final FieldSectionReader headerSection;

    public Http1ResponseReader(Http1Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.headerSection = new FieldSectionReader(limits, Http1MessageType.RESPONSE, "header section");
    }

    /**
     * Reads one response head, blocking until it has arrived.
     *
     * <pre>status-line = HTTP-version SP status-code SP [ reason-phrase ]</pre>
     *
     * @throws MalformedMessageException for a malformed status line or header section
     * @throws MessageTooLargeException (502) when the status line or header section crosses a limit
     * @throws UnsupportedVersionException for an HTTP major version other than 1
     * @throws java.io.EOFException if the stream ends before the head does
     */
    public ResponseHead readHead(WireInput in) throws IOException {
        int lf = LineScanner.scanLine(in, limits.maxStartLineBytes(),
                () -> new MessageTooLargeException(Status.BAD_GATEWAY, "status line",
                        limits.maxStartLineBytes(), Http1MessageType.RESPONSE.startLineLimitName()));
        byte[] buffer = in.buffer();
        int start = in.position();
        int end = LineScanner.contentEnd(in, lf);
        LineScanner.rejectBareCr(buffer, start, end, "status line");
        // "HTTP/1.1 200 " is 13 bytes. The grammar wants the space after the code even when the reason is empty;
        // we also accept "HTTP/1.1 200", which servers send, as most clients do.
        if (end - start < 12 || buffer[start + 8] != ' ' || (end - start > 12 && buffer[start + 12] != ' ')) {
            throw malformed(buffer, start, end);
        }
        String versionText = new String(buffer, start, 8, StandardCharsets.ISO_8859_1);
        Version version = switch (versionText) {
            case "HTTP/1.1" -> Version.HTTP_1_1;
            case "HTTP/1.0" -> Version.HTTP_1_0;
            default -> {
                if (versionText.matches("HTTP/\\d\\.\\d")) {
                    if (versionText.charAt(5) == '1') {
                        yield Version.HTTP_1_1;
                    }
                    throw new UnsupportedVersionException(versionText);
                }
                throw malformed(buffer, start, end);
            }
        };
        int code = 0;
        for (int i = start + 9; i < start + 12; i++) {
            if (buffer[i] < '0' || buffer[i] > '9') {
                throw malformed(buffer, start, end);
            }
            code = code * 10 + (buffer[i] - '0');
        }
        if (code < 100) {
            throw malformed(buffer, start, end);
        }
        // The reason phrase is kept as received, an empty one too ("HTTP/1.1 200 "), rather than replaced by the
        // registered one: a client that shows the status line (wisp get -i) shows what the server sent.
        Status status = Status.of(code, "");
        if (end - start > 13) {
            // Trim SP and HTAB only: String.strip() would also drop some control characters, which must fail.
            int reasonStart = start + 13;
            int reasonEnd = end;
            while (reasonStart < reasonEnd && HeaderValidation.isWhitespace(buffer[reasonStart])) {
                reasonStart++;
            }
            while (reasonEnd > reasonStart && HeaderValidation.isWhitespace(buffer[reasonEnd - 1])) {
                reasonEnd--;
            }
            String reason = new String(buffer, reasonStart, reasonEnd - reasonStart, StandardCharsets.ISO_8859_1);
            if (!reason.isEmpty()) {
                try {
                    status = Status.of(code, reason);
                } catch (IllegalArgumentException e) {
                    throw malformed(buffer, start, end);
                }
            }
        }
        in.skip(lf + 1 - start);
        Headers headers = headerSection.read(in);
        return new ResponseHead(version, status, headers);
    }

    private static MalformedMessageException malformed(byte[] buffer, int start, int end) {
        return new MalformedMessageException("malformed status line: '" + Ascii.escape(buffer, start, end - start)
                + "'");
    }
}
