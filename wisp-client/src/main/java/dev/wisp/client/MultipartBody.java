package dev.wisp.client;

import dev.wisp.core.Body;
import dev.wisp.core.MultipartBoundary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code multipart/form-data} body (RFC 7578; libwebsockets' {@code LCCSCF_HTTP_MULTIPART_MIME}): text fields and
 * files, in order. Files are streamed from disk when the body is written, never held in memory (unless given as
 * bytes, as what was read from a pipe); their sizes are read at {@link Builder#build()} so the body has a
 * Content-Length, and a file whose size then changes fails the write.
 *
 * <p>The boundary is {@code wisp-} and 32 random letters and digits (190 bits), checked against every field at
 * build time (a new one is drawn if a field holds it) and against every file as it streams: a file that holds the
 * delimiter fails the write with an {@link IOException} naming it, so a body whose parts could be misread is never
 * completed. Send it with {@link Request.Builder#body(MultipartBody)}, which sets Content-Type.
 *
 * <p>Immutable; the body can be sent again (the files are read again).
 */
public final class MultipartBody {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** One part: its head as it goes out, and its content (text bytes, or a file of a known size). */
    private record Part(byte[] head, byte[] text, Path file, long fileSize) {
        long length() {
            return head.length + (file == null ? text.length : fileSize) + 2;
        }
    }

    private final String boundary;
    private final List<Part> parts;
    private final long length;

    private MultipartBody(String boundary, List<Part> parts) {
        this.boundary = boundary;
        this.parts = List.copyOf(parts);
        long total = closeDelimiter().length;
        for (Part part : parts) {
            total += part.length();
        }
        this.length = total;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String boundary() {
        return boundary;
    }

    /** {@code multipart/form-data; boundary=...} */
    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** The whole body's length in bytes. */
    public long length() {
        return length;
    }

    /** The body to send, with a known length; files are read as it is written. */
    public Body body() {
        return Body.of(length, this::writeTo);
    }

    private byte[] closeDelimiter() {
        return ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private void writeTo(OutputStream out) throws IOException {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = new byte[16 * 1024];
        for (Part part : parts) {
            out.write(part.head);
            if (part.file == null) {
                out.write(part.text);
            } else {
                copyChecked(part, delimiter, buffer, out);
            }
            out.write('\r');
            out.write('\n');
        }
        out.write(closeDelimiter());
    }

    /** Streams a file, failing if it holds the delimiter or is no longer the size it had at build time. */
    private static void copyChecked(Part part, byte[] delimiter, byte[] buffer, OutputStream out) throws IOException {
        DelimiterSearch search = new DelimiterSearch(delimiter);
        long copied = 0;
        try (InputStream in = Files.newInputStream(part.file)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                copied += n;
                if (copied > part.fileSize) {
                    break;
                }
                if (search.foundIn(buffer, n)) {
                    throw new IOException("file " + part.file + " contains the multipart boundary; body not completed");
                }
                out.write(buffer, 0, n);
            }
        }
        if (copied != part.fileSize) {
            throw new IOException("file " + part.file + " changed size from " + part.fileSize + " bytes while sent");
        }
    }

    /** Finds the delimiter across buffer boundaries (Knuth-Morris-Pratt, so each byte is looked at once). */
    private static final class DelimiterSearch {
        private final byte[] pattern;
        private final int[] fallback;
        private int matched;

        DelimiterSearch(byte[] pattern) {
            this.pattern = pattern;
            this.fallback = new int[pattern.length];
            for (int i = 1, k = 0; i < pattern.length; i++) {
                while (k > 0 && pattern[i] != pattern[k]) {
                    k = fallback[k - 1];
                }
                if (pattern[i] == pattern[k]) {
                    k++;
                }
                fallback[i] = k;
            }
        }

        boolean foundIn(byte[] bytes, int count) {
            for (int i = 0; i < count; i++) {
                while (matched > 0 && bytes[i] != pattern[matched]) {
                    matched = fallback[matched - 1];
                }
                if (bytes[i] == pattern[matched] && ++matched == pattern.length) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Builds a {@link MultipartBody}; not thread-safe. */
    public static final class Builder {
        /** A text field (content, no filename), a file given as bytes (content) or a file on disk (file). */
        private record Field(String name, byte[] content, Path file, String filename, String contentType) {
        }

        private final List<Field> fields = new ArrayList<>();
        private String boundary;

        private Builder() {
        }

        /** A text field, sent as UTF-8. */
        public Builder field(String name, String value) {
            return field(name, Objects.requireNonNull(value, "value").getBytes(StandardCharsets.UTF_8));
        }

        /** A text field whose bytes are given as they are to be sent (read from a file, or not UTF-8); copied. */
        public Builder field(String name, byte[] value) {
            fields.add(new Field(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value").clone(),
                    null, null, null));
            return this;
        }

        /** A file, with its own name as filename and {@code application/octet-stream}. */
        public Builder file(String name, Path file) {
            return file(name, file, String.valueOf(file.getFileName()), "application/octet-stream");
        }

        /**
         * A file with the filename and media type to announce; an empty type sends no {@code Content-Type} (RFC 7578
         * §4.4: the receiver takes {@code text/plain} then).
         */
        public Builder file(String name, Path file, String filename, String contentType) {
            fields.add(new Field(Objects.requireNonNull(name, "name"), null, Objects.requireNonNull(file, "file"),
                    Objects.requireNonNull(filename, "filename"), checkedType(contentType)));
            return this;
        }

        /**
         * A file whose content is given, such as one read from standard input, with the filename and media type to
         * announce (an empty type: no {@code Content-Type}). The bytes are copied.
         */
        public Builder file(String name, byte[] content, String filename, String contentType) {
            byte[] copy = Objects.requireNonNull(content, "content").clone();
            fields.add(new Field(Objects.requireNonNull(name, "name"), copy, null,
                    Objects.requireNonNull(filename, "filename"), checkedType(contentType)));
            return this;
        }

        /**
         * A fixed boundary instead of a random one (RFC 2046 §5.1.1: 1 to 70 characters of its set, not ending in a
         * space). Files are still checked as they stream.
         *
         * @throws IllegalArgumentException if it is not a valid boundary
         */
        public Builder boundary(String fixed) {
            if (!MultipartBoundary.isValid(fixed)) {
                throw new IllegalArgumentException("not an RFC 2046 boundary: '" + fixed + "'");
            }
            this.boundary = fixed;
            return this;
        }

        /**
         * @throws IOException if a file's size cannot be read
         * @throws IllegalArgumentException if a fixed boundary occurs in a text field or a file given as bytes
         */
        public MultipartBody build() throws IOException {
            String chosen = boundary;
            for (int attempt = 0; chosen == null || occursInFields(chosen); attempt++) {
                if (boundary != null) {
                    throw new IllegalArgumentException("boundary '" + boundary + "' occurs in a field");
                }
                if (attempt == 8) {
                    throw new IllegalStateException("no random boundary avoided the fields in 8 draws");
                }
                chosen = randomBoundary();
            }
            List<Part> parts = new ArrayList<>();
            for (Field field : fields) {
                StringBuilder head = new StringBuilder("--").append(chosen).append("\r\n")
                        .append("Content-Disposition: form-data; name=\"").append(escape(field.name)).append('"');
                if (field.filename == null) {
                    head.append("\r\n\r\n");
                    parts.add(new Part(bytes(head), field.content, null, 0));
                    continue;
                }
                head.append("; filename=\"").append(escape(field.filename)).append("\"\r\n");
                if (!field.contentType.isEmpty()) {
                    head.append("Content-Type: ").append(field.contentType).append("\r\n");
                }
                head.append("\r\n");
                parts.add(field.file == null ? new Part(bytes(head), field.content, null, 0)
                        : new Part(bytes(head), null, field.file, Files.size(field.file)));
            }
            return new MultipartBody(chosen, parts);
        }

        private boolean occursInFields(String candidate) {
            String delimiter = "--" + candidate;
            return fields.stream().anyMatch(field -> field.name.contains(delimiter)
                    || field.content != null
                    && new String(field.content, StandardCharsets.ISO_8859_1).contains(delimiter)
                    || field.filename != null && field.filename.contains(delimiter));
        }

        private static String randomBoundary() {
            StringBuilder text = new StringBuilder("wisp-");
            for (int i = 0; i < 32; i++) {
                text.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
            }
            return text.toString();
        }

        /** WHATWG's multipart/form-data encoding of names and filenames: quote, CR and LF percent-encoded. */
        private static String escape(String name) {
            return name.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
        }

        private static String checkedType(String contentType) {
            Objects.requireNonNull(contentType, "contentType");
            String token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
            if (!contentType.isEmpty() && !contentType.matches(token + "/" + token + "(\\s*;[^\\r\\n]*)?")) {
                throw new IllegalArgumentException("not a media type: '" + contentType + "'");
            }
            return contentType;
        }

        private static byte[] bytes(CharSequence text) {
            return text.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
