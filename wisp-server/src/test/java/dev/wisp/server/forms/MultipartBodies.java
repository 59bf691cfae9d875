package dev.wisp.server.forms;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Multipart bodies for parser tests, and streams that hand them over in pieces. */
final class MultipartBodies {
    static final String BOUNDARY = "----wisp7MA4YWxkTrZu0gW";

    private MultipartBodies() {
    }

    /** A field part: its delimiter line, Content-Disposition and content, without the CRLF that ends it. */
    static String field(String name, String value) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    /** A file part. */
    static String file(String name, String filename, String type, String content) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                + "\"\r\nContent-Type: " + type + "\r\n\r\n" + content + "\r\n";
    }

    static String close() {
        return "--" + BOUNDARY + "--\r\n";
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Returns at most {@code piece} bytes from each read, as a slow network would. */
    static InputStream inPieces(byte[] body, int piece) {
        return new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] into, int offset, int length) {
                return super.read(into, offset, Math.min(length, piece));
            }
        };
    }

    /** Returns the first {@code split} bytes from the first read, then the rest. */
    static InputStream splitAt(byte[] body, int split) {
        return new InputStream() {
            private int position;

            @Override
            public int read() {
                return position < body.length ? body[position++] & 0xff : -1;
            }

            @Override
            public int read(byte[] into, int offset, int length) throws IOException {
                if (position >= body.length) {
                    return -1;
                }
                int end = position < split ? split : body.length;
                int n = Math.min(length, end - position);
                System.arraycopy(body, position, into, offset, n);
                position += n;
                return n;
            }
        };
    }
}
