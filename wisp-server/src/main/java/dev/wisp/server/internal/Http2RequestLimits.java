package dev.wisp.server.internal;

import dev.wisp.core.ContentLength;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.RequestHead;
import dev.wisp.core.Status;
import dev.wisp.http2.ErrorCode;
import dev.wisp.http2.StreamException;
import dev.wisp.http2.hpack.HpackField;
import dev.wisp.server.ServerConfig;
import java.util.List;

/**
 * The limits of HTTP/1.1 as an HTTP/2 request carries them, and its declared length: what the server checks of a
 * request head once the field rules of RFC 9113 §8 have passed it. Stateless.
 */
final class Http2RequestLimits {
    private Http2RequestLimits() {
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

    /** The request's Content-Length, or -1; RequestFields checked it, so a failure here is the codec's own bug. */
    static long declaredLength(RequestHead head, int id) throws StreamException {
        try {
            return ContentLength.of(head.headers());
        } catch (MalformedMessageException e) {
            throw new StreamException(ErrorCode.PROTOCOL_ERROR, id, e.getMessage());
        }
    }
}
