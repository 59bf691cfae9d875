package dev.wisp.client.internal;

import dev.wisp.client.ResponseProtocolException;
import dev.wisp.client.internal.DecodingInputStream.Coding;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.ResponseHead;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Decodes a response body in gzip or deflate (RFC 9110 §8.4.1), for requests that asked for it, through a
 * {@link DecodingInputStream}. The decoded response loses {@code Content-Encoding} and {@code Content-Length}, which
 * described the encoded bytes. A head that names more than one coding, or one other than these, is left as it came.
 */
public final class ContentDecoding {
    private ContentDecoding() {
    }

    /** Whether the response is in a coding this decodes. */
    public static boolean isDecodable(ResponseHead head) {
        return coding(head).isPresent();
    }

    /** The head as the decoded body has it. */
    public static ResponseHead decodedHead(ResponseHead head) {
        Headers headers = head.headers().toBuilder().remove(HeaderNames.CONTENT_LENGTH).remove("Content-Encoding")
                .build();
        return new ResponseHead(head.version(), head.status(), headers);
    }

    /**
     * The decoded body of a {@linkplain #isDecodable decodable} response; trailers and the end of the exchange still
     * come from the encoded one.
     */
    public static BodyInputStream decode(ResponseHead head, BodyInputStream encoded) {
        return new DecodedBodyInputStream(coding(head).orElseThrow(), encoded);
    }

    private static Optional<Coding> coding(ResponseHead head) {
        String value = head.headers().firstOrNull("Content-Encoding");
        if (value == null || head.headers().count("Content-Encoding") > 1) {
            return Optional.empty();
        }
        return Coding.named(value);
    }

    /** Whether the body's decoder has ended and let go of its native memory; for tests. */
    static boolean isDecoderEnded(BodyInputStream decodedBody) {
        return ((DecodedBodyInputStream) decodedBody).decoded.isEnded();
    }

    /**
     * A decoded body that keeps the encoded one's trailers and end: a broken encoding fails a read of the body, not
     * the call, and closes the exchange; a decoded stream that ends before the encoded body reads the rest of that,
     * so that the exchange completes.
     */
    private static final class DecodedBodyInputStream extends BodyInputStream {
        private final BodyInputStream encoded;
        private final DecodingInputStream decoded;

        DecodedBodyInputStream(Coding coding, BodyInputStream encoded) {
            this.encoded = encoded;
            this.decoded = new DecodingInputStream(coding, encoded);
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (decoded.isEnded()) {
                return -1;
            }
            int n;
            try {
                n = decoded.read(bytes, offset, length);
            } catch (BadContentEncodingException e) {
                encoded.close();
                throw new ResponseProtocolException(e.getMessage(), null, e);
            }
            if (n < 0 && !encoded.isFinished()) {
                encoded.transferTo(OutputStream.nullOutputStream());
            }
            return n;
        }

        @Override
        public long length() {
            return -1;
        }

        @Override
        public Headers trailers() {
            return encoded.trailers();
        }

        @Override
        public boolean isFinished() {
            return encoded.isFinished();
        }

        @Override
        public void close() throws IOException {
            decoded.close();
        }
    }
}
