package dev.wisp.client.internal;

import dev.wisp.client.ResponseProtocolException;
import dev.wisp.client.internal.DecodingInputStream.Coding;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.ResponseHead;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decodes a response body in gzip or deflate (RFC 9110 §8.4.1), for requests that asked for it, through a
 * {@link DecodingInputStream} for each coding its head names: {@code gzip, gzip} is undone twice, last first, as the
 * codings are listed in the order applied (§8.4), and {@code identity} is nothing to undo. The decoded response loses
 * {@code Content-Encoding} and {@code Content-Length}, which described the encoded bytes. A head that names a coding
 * other than these, or more than {@link #MAX_CODINGS} of them, is left as it came, its {@code Content-Encoding} with
 * it, for the program to see (before, {@code gzip, gzip} was too, and its body read as if decoded was gzip).
 */
public final class ContentDecoding {
    /** The most codings undone one over another, as curl allows since CVE-2022-32206: each stacks a decoder. */
    public static final int MAX_CODINGS = 5;

    private ContentDecoding() {
    }

    /** Whether the response is in codings this decodes, at least one. */
    public static boolean isDecodable(ResponseHead head) {
        List<String> names = codingNames(head);
        return !names.isEmpty() && names.size() <= MAX_CODINGS
                && names.stream().allMatch(name -> Coding.named(name).isPresent());
    }

    /**
     * The codings the head's {@code Content-Encoding} fields name, in the order applied, lowercase, without
     * {@code identity}; whether this decodes them is {@link #isDecodable}'s to say.
     */
    public static List<String> codingNames(ResponseHead head) {
        List<String> names = new ArrayList<>();
        for (String coding : head.headers().elements("Content-Encoding")) {
            String name = coding.toLowerCase(Locale.ROOT);
            if (!name.equals("identity")) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * The body decoded from codings this decodes ({@link Coding#named}), last applied first; it reads the encoded one
     * as it is read itself.
     */
    public static InputStream decoder(List<String> names, InputStream encoded) {
        InputStream decoded = encoded;
        for (String name : names.reversed()) {
            decoded = new DecodingInputStream(Coding.named(name).orElseThrow(), decoded);
        }
        return decoded;
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
        return new DecodedBodyInputStream(codingNames(head), encoded);
    }

    /** Whether the body's decoders have ended and let go of their native memory; for tests. */
    static boolean isDecoderEnded(BodyInputStream decodedBody) {
        InputStream decoder = ((DecodedBodyInputStream) decodedBody).decoded;
        while (decoder instanceof DecodingInputStream decoding) {
            if (!decoding.isEnded()) {
                return false;
            }
            decoder = decoding.encoded();
        }
        return true;
    }

    /**
     * A decoded body that keeps the encoded one's trailers and end: a broken encoding fails a read of the body, not
     * the call, and closes the exchange; a decoded stream that ends before the encoded body reads the rest of that,
     * so that the exchange completes.
     */
    private static final class DecodedBodyInputStream extends BodyInputStream {
        private final BodyInputStream encoded;
        /** The outermost decoder, the one applied last; the others, if any, are what it reads. */
        private final DecodingInputStream decoded;

        DecodedBodyInputStream(List<String> codings, BodyInputStream encoded) {
            this.encoded = encoded;
            this.decoded = (DecodingInputStream) decoder(codings, encoded);
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
