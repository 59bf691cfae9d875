package dev.wisp.cli;

import dev.wisp.client.HttpCallException;
import dev.wisp.core.Ascii;
import dev.wisp.core.ResponseHead;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * {@code wisp get --compressed}: the body decoded from every content coding its head names, as curl decodes it. The
 * library's own decoding takes one gzip or deflate and leaves anything else as it came, which suits a program that
 * reads the head; a command that prints the body must not hand over encoded bytes as if decoded, so here, as in curl,
 * {@code Content-Encoding: gzip, gzip} is undone twice (RFC 9110 §8.4: the codings are listed in the order applied,
 * so they are undone last first), {@code identity} is nothing to undo, and any other coding, or bytes that are not
 * what their coding says, fail with {@link BadContentEncodingException} (curl's exit 61).
 */
final class ContentCodings {
    private ContentCodings() {
    }

    /** A body whose coding is unknown, or whose bytes do not decode. */
    static final class BadContentEncodingException extends IOException {
        BadContentEncodingException(String message) {
            super(message);
        }
    }

    /**
     * The body decoded; it reads the encoded one as it is read itself.
     *
     * @throws BadContentEncodingException if the head names a coding other than gzip, x-gzip, deflate or identity
     */
    static InputStream decode(ResponseHead head, InputStream body) throws BadContentEncodingException {
        List<String> codings = new ArrayList<>();
        for (String value : head.headers().all("Content-Encoding")) {
            for (String coding : value.split(",")) {
                String name = coding.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !name.equals("identity")) {
                    codings.add(name);
                }
            }
        }
        InputStream decoded = body;
        for (String coding : codings.reversed()) {
            decoded = switch (coding) {
                case "gzip", "x-gzip", "deflate" -> new Decoded(coding, decoded);
                default -> throw new BadContentEncodingException("unknown content coding '" + Ascii.escape(coding)
                        + "' (--compressed decodes gzip and deflate)");
            };
        }
        return decoded;
    }

    /**
     * One coding undone. The decoder starts at the first read, so an empty body (a HEAD's, a 204's) is empty rather
     * than a broken stream; a decoder's failure is a {@link BadContentEncodingException}, and a failure of the
     * connection below passes as it came.
     */
    private static final class Decoded extends FilterInputStream {
        private final String coding;
        private boolean started;
        /** A deflate body's inflater, whose native memory is freed on close. */
        private Inflater inflater;

        Decoded(String coding, InputStream encoded) {
            super(encoded);
            this.coding = coding;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            try {
                if (!started) {
                    started = true;
                    PushbackInputStream encoded = new PushbackInputStream(in, 2);
                    byte[] first = encoded.readNBytes(2);
                    if (first.length == 0) {
                        return -1;
                    }
                    encoded.unread(first);
                    if (coding.equals("deflate")) {
                        inflater = new Inflater(!isZlib(first));
                        in = new InflaterInputStream(encoded, inflater);
                    } else {
                        in = new GZIPInputStream(encoded);
                    }
                }
                return in.read(bytes, offset, length);
            } catch (HttpCallException | BadContentEncodingException e) {
                throw e;
            } catch (IOException e) {
                throw new BadContentEncodingException("cannot decode the " + coding + " body: " + e.getMessage());
            }
        }

        @Override
        public void close() throws IOException {
            try {
                in.close();
            } finally {
                if (inflater != null) {
                    inflater.end();
                }
            }
        }

        /**
         * Whether a deflate body is zlib-wrapped, as RFC 9110 §8.4.1.2 means it, or raw deflate, as some servers send
         * it: a zlib header's first byte says method 8, and its two bytes are a multiple of 31 (RFC 1950 §2.2).
         */
        private static boolean isZlib(byte[] first) {
            if (first.length < 2) {
                return false;
            }
            int header = (first[0] & 0xff) << 8 | first[1] & 0xff;
            return (first[0] & 0x0f) == 8 && header % 31 == 0;
        }
    }
}
