package dev.wisp.http1;

import dev.wisp.core.Ascii;
import dev.wisp.core.ContentLength;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.Method;
import dev.wisp.core.RequestHead;
import dev.wisp.core.Status;
import dev.wisp.core.UnsupportedTransferCodingException;
import dev.wisp.core.Version;
import java.util.List;

/**
 * How the body of an HTTP/1.1 message is delimited, decided exactly as RFC 9112 §6.3 says, in its order.
 * Any disagreement between Transfer-Encoding and Content-Length is an error, never a guess: two parsers that
 * guess differently are how request smuggling works.
 */
public sealed interface Http1Framing {
    /** No body. */
    record None() implements Http1Framing {
    }

    /** A body of exactly {@code length} bytes (Content-Length). */
    record FixedLength(long length) implements Http1Framing {
    }

    /** A chunked body (Transfer-Encoding ending in chunked). */
    record Chunked() implements Http1Framing {
    }

    /** A response body that ends when the connection closes (RFC 9112 §6.3 rule 8); never for requests. */
    record UntilClose() implements Http1Framing {
    }

    Http1Framing NONE = new None();
    Http1Framing CHUNKED = new Chunked();
    Http1Framing UNTIL_CLOSE = new UntilClose();

    /**
     * Decides the framing of a request body (RFC 9112 §6.3, rules 3-6).
     *
     * @throws MalformedMessageException (400) for Transfer-Encoding with Content-Length, Transfer-Encoding in
     *     HTTP/1.0, a malformed Transfer-Encoding, a final coding other than chunked, chunked twice, or a bad or
     *     conflicting Content-Length
     * @throws UnsupportedTransferCodingException (501) for a transfer coding other than chunked
     */
    static Http1Framing ofRequest(RequestHead head) throws MalformedMessageException,
            UnsupportedTransferCodingException {
        Headers headers = head.headers();
        boolean hasTransferEncoding = headers.contains(HeaderNames.TRANSFER_ENCODING);
        boolean hasContentLength = headers.contains(HeaderNames.CONTENT_LENGTH);
        if (hasTransferEncoding) {
            if (hasContentLength) {
                // RFC 9112 §6.1: Transfer-Encoding with Content-Length is a smuggling vector; reject with 400.
                throw new MalformedMessageException("request has both Transfer-Encoding and Content-Length");
            }
            if (head.version() == Version.HTTP_1_0) {
                // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
                throw new MalformedMessageException("HTTP/1.0 request has Transfer-Encoding");
            }
            requireChunkedLast(headers, true);
            return CHUNKED;
        }
        if (hasContentLength) {
            long length = ContentLength.of(headers);
            return length == 0 ? NONE : new FixedLength(length);
        }
        return NONE;
    }

    /**
     * Decides the framing of a response body (RFC 9112 §6.3, rules 1-8).
     *
     * @param requestMethod the method of the request this response answers
     * @throws MalformedMessageException for Transfer-Encoding with Content-Length, a malformed Transfer-Encoding,
     *     chunked twice or not last, or a bad or conflicting Content-Length
     * @throws UnsupportedTransferCodingException for a transfer coding other than chunked before chunked; without
     *     chunked, the codings are left to the caller and the body is read until the connection closes
     */
    static Http1Framing ofResponse(Method requestMethod, Status status, Headers headers)
            throws MalformedMessageException, UnsupportedTransferCodingException {
        if (requestMethod.equals(Method.HEAD) || !status.allowsContent()) {
            return NONE;
        }
        if (requestMethod.equals(Method.CONNECT) && status.isSuccess()) {
            return UNTIL_CLOSE;
        }
        if (headers.contains(HeaderNames.TRANSFER_ENCODING)) {
            if (headers.contains(HeaderNames.CONTENT_LENGTH)) {
                throw new MalformedMessageException("response has both Transfer-Encoding and Content-Length");
            }
            return requireChunkedLast(headers, false) ? CHUNKED : UNTIL_CLOSE;
        }
        if (headers.contains(HeaderNames.CONTENT_LENGTH)) {
            long length = ContentLength.of(headers);
            return length == 0 ? NONE : new FixedLength(length);
        }
        return UNTIL_CLOSE;
    }

    /**
     * Checks the transfer codings and returns whether chunked is the final one (RFC 9112 §6.3 rule 4). For a
     * request it must be; a response without it is read until the connection closes.
     */
    private static boolean requireChunkedLast(Headers headers, boolean request) throws MalformedMessageException,
            UnsupportedTransferCodingException {
        List<String> codings = TransferCodings.parse(headers.all(HeaderNames.TRANSFER_ENCODING));
        int last = codings.size() - 1;
        int chunked = codings.indexOf("chunked");
        if (chunked >= 0 && chunked != codings.lastIndexOf("chunked")) {
            // RFC 9112 §7: a sender must not apply chunked more than once.
            throw new MalformedMessageException("chunked transfer coding applied more than once");
        }
        if (chunked >= 0 && chunked != last) {
            throw new MalformedMessageException("chunked is not the final transfer coding");
        }
        if (chunked < 0) {
            if (request) {
                // RFC 9112 §6.3 rule 4: a request whose final coding is not chunked cannot be framed: 400.
                throw new MalformedMessageException("final transfer coding of a request is '"
                        + Ascii.escape(codings.get(last)) + "', not chunked");
            }
            return false;
        }
        if (last > 0) {
            throw new UnsupportedTransferCodingException(codings.get(0));
        }
        return true;
    }
}
