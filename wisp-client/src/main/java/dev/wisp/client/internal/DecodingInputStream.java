package dev.wisp.client.internal;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * A body with one content coding undone (RFC 9110 §8.4.1): gzip, or deflate, zlib-wrapped as the RFC means it or
 * raw as some servers send it. A decoded response body ({@link ContentDecoding}) reads through one; {@code wisp get
 * --compressed} stacks one a coding.
 *
 * <p>The decoder starts at the first read, so an empty body (a HEAD's, a 204's, or one a server labelled with its
 * coding, as RFC 9110 §8.4 allows) reads as empty rather than as a broken stream, and a broken coding fails a read
 * rather than whatever made this stream. Bytes that are not what their coding says fail with a
 * {@link BadContentEncodingException}; a failure of the stream below passes as it came. An {@link Inflater} holds
 * native memory that only a garbage collection would free otherwise, so the decoder is ended as soon as the decoded
 * stream ends, fails or is closed; ending it leaves the encoded stream open, for its owner to finish, and
 * {@link #close()} closes both. After the decoder has ended, reads return -1.
 *
 * <p>Not thread-safe: one thread reads it.
 */
public final class DecodingInputStream extends InputStream {
    private static final int BUFFER_BYTES = 8192;

    /** A content coding this undoes. */
    public enum Coding {
        GZIP("gzip"), DEFLATE("deflate");

        private final String token;

        Coding(String token) {
            this.token = token;
        }

        /** The coding a Content-Encoding element names, if this undoes it; x-gzip is gzip (RFC 9110 §8.4.1.3). */
        public static Optional<Coding> named(String name) {
            return switch (name.strip().toLowerCase(Locale.ROOT)) {
                case "gzip", "x-gzip" -> Optional.of(GZIP);
                case "deflate" -> Optional.of(DEFLATE);
                default -> Optional.empty();
            };
        }

        @Override
        public String toString() {
            return token;
        }
    }

    private final Coding coding;
    private final InputStream encoded;
    private InputStream decoder;
    /** The raw or zlib inflater of a deflate body; a gzip stream ends its own when closed. */
    private Inflater inflater;
    private boolean ended;

    public DecodingInputStream(Coding coding, InputStream encoded) {
        this.coding = Objects.requireNonNull(coding, "coding");
        this.encoded = Objects.requireNonNull(encoded, "encoded");
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (ended) {
            return -1;
        }
        int n;
        try {
            if (decoder == null) {
                decoder = startDecoder();
            }
            n = decoder.read(bytes, offset, length);
        } catch (ZipException | EOFException e) {
            end();
            throw new BadContentEncodingException("response body is not valid " + coding + ": "
                    + (e.getMessage() == null ? "it ends early" : e.getMessage()), e);
        }
        if (n < 0) {
            end();
        }
        return n;
    }

    /**
     * The decoder over the encoded stream, or an empty stream when that has no bytes at all, as empty input decodes
     * to nothing. The decoder sees the encoded stream through a view that it cannot close, so that ending the
     * decoder leaves the encoded stream's end to its owner.
     */
    private InputStream startDecoder() throws IOException {
        PushbackInputStream in = new PushbackInputStream(new FilterInputStream(encoded) {
            @Override
            public void close() {
                // the encoded stream is closed by this stream's close(), not by its decoder's
            }
        }, 2);
        byte[] first = in.readNBytes(2);
        if (first.length == 0) {
            return InputStream.nullInputStream();
        }
        in.unread(first);
        if (coding == Coding.GZIP) {
            return new WholeGzipInputStream(in);
        }
        inflater = new Inflater(!isZlib(first));
        return new InflaterInputStream(in, inflater, BUFFER_BYTES);
    }

    /**
     * A gzip stream that fails on bytes after its last member, which {@link GZIPInputStream} drops without a word (a
     * corrupt member, junk glued to the body), as curl fails them; zeros are padding, which gzip(1) skips too. At its
     * end the inflater still holds what followed the deflate data in its last read: the 8 bytes of the trailer, then
     * any such bytes; the encoded stream may have more.
     */
    private static final class WholeGzipInputStream extends GZIPInputStream {
        private static final int TRAILER_BYTES = 8;

        WholeGzipInputStream(InputStream in) throws IOException {
            super(in, BUFFER_BYTES);
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = super.read(bytes, offset, length);
            if (n < 0 && !(isZeros(buf, len - inf.getRemaining() + TRAILER_BYTES, len) && restIsZeros())) {
                throw new ZipException("bytes follow the end of the gzip data");
            }
            return n;
        }

        private boolean restIsZeros() throws IOException {
            byte[] rest = new byte[BUFFER_BYTES];
            for (int n = in.read(rest); n >= 0; n = in.read(rest)) {
                if (!isZeros(rest, 0, n)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isZeros(byte[] bytes, int from, int to) {
            for (int i = Math.max(from, 0); i < to; i++) {
                if (bytes[i] != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Whether a deflate body is zlib-wrapped, as RFC 9110 §8.4.1.2 means it, or raw deflate, as some servers send it:
     * a zlib header's first byte says method 8, and its two bytes are a multiple of 31 (RFC 1950 §2.2).
     */
    private static boolean isZlib(byte[] first) {
        if (first.length < 2) {
            return false;
        }
        int header = (first[0] & 0xff) << 8 | first[1] & 0xff;
        return (first[0] & 0x0f) == 8 && header % 31 == 0;
    }

    private void end() throws IOException {
        if (ended) {
            return;
        }
        ended = true;
        try {
            if (decoder != null) {
                decoder.close();
            }
        } finally {
            if (inflater != null) {
                inflater.end();
            }
        }
    }

    /** Whether the decoder has ended and let go of its native memory. */
    boolean isEnded() {
        return ended;
    }

    /** What this decodes: the body, or the decoder of a coding applied before this one. */
    InputStream encoded() {
        return encoded;
    }

    @Override
    public void close() throws IOException {
        try {
            end();
        } finally {
            encoded.close();
        }
    }
}
