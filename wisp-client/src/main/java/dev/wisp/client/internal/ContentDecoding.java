package dev.wisp.client.internal;

import dev.wisp.client.ResponseProtocolException;
import dev.wisp.core.BodyInputStream;
import dev.wisp.core.HeaderNames;
import dev.wisp.core.Headers;
import dev.wisp.core.ResponseHead;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Decodes a response body in gzip or deflate (RFC 9110 §8.4.1), for requests that asked for it. The decoded
 * response loses {@code Content-Encoding} and {@code Content-Length}, which described the encoded bytes. "deflate"
 * is meant to be zlib-wrapped, but some servers send raw deflate; the first byte tells them apart (a zlib header
 * starts with 0x?8 and the CMF/FLG pair is a multiple of 31).
 */
public final class ContentDecoding {
    private ContentDecoding() {
    }

    /** Whether the response is in a coding this decodes. */
    public static boolean isDecodable(ResponseHead head) {
        return coding(head) != null;
    }

    /** The head as the decoded body has it. */
    public static ResponseHead decodedHead(ResponseHead head) {
        Headers headers = head.headers().toBuilder().remove(HeaderNames.CONTENT_LENGTH).remove("Content-Encoding")
                .build();
        return new ResponseHead(head.version(), head.status(), headers);
    }

    /** The decoded body; trailers and the end of the exchange still come from the encoded one. */
    public static BodyInputStream decode(ResponseHead head, BodyInputStream encoded) {
        return new DecodedBodyInputStream("gzip".equals(coding(head)), encoded);
    }

    private static String coding(ResponseHead head) {
        String value = head.headers().firstOrNull("Content-Encoding");
        if (value == null || head.headers().count("Content-Encoding") > 1) {
            return null;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "gzip", "x-gzip" -> "gzip";
            case "deflate" -> "deflate";
            default -> null;
        };
    }

    /** Whether the body's decoder has ended and let go of its native memory; for tests. */
    static boolean isDecoderEnded(BodyInputStream decodedBody) {
        return ((DecodedBodyInputStream) decodedBody).decoderEnded;
    }

    /**
     * A decoded body that keeps the encoded one's trailers and end. The decoder starts on the first read, so a
     * broken encoding fails a read of the body, not the call. Its {@link Inflater} holds native memory that only a
     * garbage collection would free otherwise, so it is ended as soon as the decoded stream ends, fails or is
     * closed.
     */
    private static final class DecodedBodyInputStream extends BodyInputStream {
        private final boolean gzip;
        private final BodyInputStream encoded;
        private InputStream decoded;
        /** The raw or zlib inflater of a deflate body; a gzip stream ends its own when closed. */
        private Inflater inflater;
        private boolean decoderEnded;

        DecodedBodyInputStream(boolean gzip, BodyInputStream encoded) {
            this.gzip = gzip;
            this.encoded = encoded;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (decoderEnded) {
                return -1;
            }
            int n;
            try {
                if (decoded == null) {
                    decoded = startDecoder();
                }
                n = decoded.read(bytes, offset, length);
            } catch (ZipException | EOFException e) {
                endDecoder();
                encoded.close();
                throw new ResponseProtocolException("response body is not valid " + (gzip ? "gzip" : "deflate")
                        + ": " + (e.getMessage() == null ? "it ends early" : e.getMessage()), null, e);
            }
            if (n < 0) {
                endDecoder();
                if (!encoded.isFinished()) {
                    // The compressed stream ended before the body: read the rest so the exchange completes.
                    encoded.transferTo(OutputStream.nullOutputStream());
                }
            }
            return n;
        }

        /**
         * The decoder over the encoded body, or an empty stream when the body has no bytes at all: a server may
         * label an empty body with its coding (RFC 9110 §8.4 allows it), and empty input decodes to nothing. The
         * decoder sees the encoded body through a view that it cannot close, so that ending the decoder leaves the
         * exchange's end to the encoded body.
         */
        private InputStream startDecoder() throws IOException {
            PushbackInputStream in = new PushbackInputStream(new FilterInputStream(encoded) {
                @Override
                public void close() {
                    // the encoded body is closed by this body's close(), not by its decoder's
                }
            }, 2);
            int first = in.read();
            if (first < 0) {
                return InputStream.nullInputStream();
            }
            in.unread(first);
            return gzip ? new GZIPInputStream(in, 8192) : inflate(in);
        }

        private InputStream inflate(PushbackInputStream in) throws IOException {
            byte[] header = new byte[2];
            int n = in.readNBytes(header, 0, 2);
            in.unread(header, 0, n);
            int cmfFlg = ((header[0] & 0xff) << 8) | (header[1] & 0xff);
            boolean zlib = n == 2 && (header[0] & 0x0f) == 8 && cmfFlg % 31 == 0;
            inflater = new Inflater(!zlib);
            return new InflaterInputStream(in, inflater, 8192);
        }

        private void endDecoder() throws IOException {
            if (decoderEnded) {
                return;
            }
            decoderEnded = true;
            try {
                if (decoded != null) {
                    decoded.close();
                }
            } finally {
                if (inflater != null) {
                    inflater.end();
                }
            }
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
            try {
                endDecoder();
            } finally {
                encoded.close();
            }
        }
    }
}
