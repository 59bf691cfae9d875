package dev.wisp.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Content to send: a request body for a client, a response body for a server. A body knows its length when it
 * can (so the codec frames it with Content-Length) and writes itself to the codec's stream; with an unknown
 * length the codec uses chunked framing (HTTP/1.1) or DATA frames (HTTP/2).
 *
 * <p>Bodies made from bytes or strings are immutable and can be written any number of times; stream bodies are
 * one-shot.
 */
public interface Body {
    /** The length in bytes, or -1 if it is not known before writing. */
    long length();

    /** Writes the whole content to out, without closing it. */
    void writeTo(OutputStream out) throws IOException;

    /**
     * The trailer fields to send after the content, asked once {@link #writeTo} has returned, so that a body whose
     * trailers come at its end (one relayed as it arrives) can give them then. They go where the framing has a place
     * for them, chunked HTTP/1.1 and HTTP/2, and are dropped where it has none (a length announced over HTTP/1.1).
     * Fields no trailer section may hold ({@link ProhibitedTrailerFields}) are left out. None by default.
     */
    default Headers trailers() {
        return Headers.empty();
    }

    /** The empty body. */
    static Body empty() {
        return BytesBody.EMPTY;
    }

    /** A body of these bytes; the array is not copied, so do not change it afterwards. */
    static Body of(byte[] bytes) {
        return new BytesBody(Objects.requireNonNull(bytes, "bytes"));
    }

    /** A body of this text encoded as UTF-8. */
    static Body of(String text) {
        return new BytesBody(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A one-shot body copied from a stream, which is closed afterwards; length -1 if unknown. */
    static Body of(InputStream in, long length) {
        Objects.requireNonNull(in, "in");
        return of(length, out -> {
            try (in) {
                in.transferTo(out);
            }
        });
    }

    /** A body with the content of a file, read when written. */
    static Body of(Path file) throws IOException {
        return of(Files.size(file), out -> Files.copy(file, out));
    }

    /**
     * A body that code produces as it is written, e.g. generated content; length -1 if unknown. It can be written
     * again if the writer can.
     */
    static Body of(long length, ContentWriter writer) {
        return new WrittenBody(length, Objects.requireNonNull(writer, "writer"));
    }

    /** Writes the content of a body to the codec's stream, without closing it. */
    @FunctionalInterface
    interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** A body whose content a {@link ContentWriter} produces. */
    record WrittenBody(long length, ContentWriter writer) implements Body {
        @Override
        public void writeTo(OutputStream out) throws IOException {
            writer.writeTo(out);
        }
    }

    /** A body held in memory. */
    record BytesBody(byte[] bytes) implements Body {
        static final BytesBody EMPTY = new BytesBody(new byte[0]);

        @Override
        public long length() {
            return bytes.length;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            out.write(bytes);
        }
    }
}
