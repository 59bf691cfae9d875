package dev.wisp.server.internal;

import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpDate;
import dev.wisp.core.ResponseHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.core.WireOutput;
import dev.wisp.http1.Http1HeadWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The responses the server sends on its own when a request cannot reach a handler: protocol errors, limits and
 * timeouts. Each says why in a short text body (never a stack trace) and closes the connection.
 */
final class Http1ErrorResponses {
    private static final String RETRY_AFTER_SECONDS = "1";

    private Http1ErrorResponses() {
    }

    /**
     * Writes and flushes an error response with {@code Connection: close}, counted as sent; failures to write are
     * ignored.
     *
     * @return how many bytes of content went out: none if the write failed
     */
    static int send(WireOutput out, Status status, String message, ServerCounters counters) {
        return send(out, status, message, false, counters);
    }

    /**
     * As {@link #send(WireOutput, Status, String, ServerCounters)}; for a HEAD request without the content, whose
     * length the head still gives (RFC 9110 §9.3.2).
     */
    static int send(WireOutput out, Status status, String message, boolean headRequest, ServerCounters counters) {
        counters.responded(status.code());
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        Headers.Builder fields = Headers.builder()
                .add(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .add(HeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
                .add(HeaderNames.DATE, HttpDate.now());
        if (status.code() == Status.SERVICE_UNAVAILABLE.code()) {
            // The server is busy for now (load shed, connections full): when to come back, as a handler's 503 for
            // want of memory says it (ErrorMapping).
            fields.add(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        Headers headers = fields.add(HeaderNames.CONNECTION, "close").build();
        try {
            out.release();
            Http1HeadWriter.writeResponseHead(out, new ResponseHead(Version.HTTP_1_1, status, headers));
            if (!headRequest) {
                out.write(body);
            }
            out.flush();
            return headRequest ? 0 : body.length;
        } catch (IOException e) {
            // The peer may be gone already; the connection closes either way.
            out.release();
            return 0;
        }
    }
}
