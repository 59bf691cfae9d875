package dev.wisp.server.internal;

import dev.wisp.core.ContentLength;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.HttpDate;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.RequestHead;
import dev.wisp.core.Status;
import dev.wisp.core.Version;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.Http2Output;
import dev.wisp.http2.ResponseFields;
import dev.wisp.http2.StreamException;
import dev.wisp.http2.hpack.HpackField;
import dev.wisp.server.ServerConfig;
import java.io.IOException;
import java.util.List;

/**
 * The limits of HTTP/1.1 as an HTTP/2 request carries them, and its declared length: what the server checks of a
 * request head once the field rules of RFC 9113 §8 have passed it, and the answer to a request past them. Stateless.
 */
final class Http2RequestLimits {
    private Http2RequestLimits() {
    }

    /**
     * Answers a request past a limit with its status (431, 414), as HTTP/1.1 does (RFC 9113 §10.5.1), and cuts off
     * the rest of the request; the connection goes on. The answer has no content: HEADERS are not flow-controlled,
     * so the reading thread never waits for the client's window here, nor for a handler's write that holds the
     * output (the answer is left for that writer to send).
     */
    static void answer(Http2Output output, int id, boolean requestEnded, Status status) throws IOException {
        Headers headers = Headers.of(HeaderNames.CONTENT_LENGTH, "0", HeaderNames.DATE, HttpDate.now());
        output.writeHeaders(id, ResponseFields.encode(status, headers), true);
        if (!requestEnded) {
            output.reset(id, ErrorCode.NO_ERROR);
        }
    }

    /**
     * The limit a request crosses: {@code maxRequestLineBytes} for the method and {@code :path} (414),
     * {@code maxHeaderCount} for the regular fields (431); null if none.
     */
    static HttpProtocolException pastLimit(ServerConfig config, RequestHead head, List<HpackField> fields) {
        for (HpackField field : fields) {
            if (field.name().equals(":path")
                    && field.value().length() + head.method().toString().length() > config.maxRequestLineBytes()) {
                return new HttpProtocolException(Status.URI_TOO_LONG, "path of " + field.value().length()
                        + " bytes exceeds maxRequestLineBytes (" + config.maxRequestLineBytes() + ")");
            }
        }
        if (head.headers().size() > config.maxHeaderCount()) {
            return new HttpProtocolException(Status.REQUEST_HEADER_FIELDS_TOO_LARGE, head.headers().size()
                    + " header fields exceed maxHeaderCount (" + config.maxHeaderCount() + ")");
        }
        return null;
    }

    /**
     * The request line of a refused request, for the filters: its method, path (at most as long as the limit lets
     * a request line be) and {@code HTTP/2}.
     */
    static String requestLine(RequestHead head, int maxRequestLineBytes) {
        String target = head.target().raw();
        if (target.length() > maxRequestLineBytes) {
            target = target.substring(0, maxRequestLineBytes);
        }
        return head.method() + " " + target + " " + Version.HTTP_2.text();
    }

    /** The request's Content-Length, or -1; RequestFields checked it, so a failure here is the codec's own bug. */
    static long declaredLength(RequestHead head, int id) throws StreamException {
        try {
            return ContentLength.of(head.headers());
        } catch (MalformedMessageException e) {
            throw new StreamException(ErrorCode.PROTOCOL_ERROR, id, e.getMessage());
        }
    }
}
