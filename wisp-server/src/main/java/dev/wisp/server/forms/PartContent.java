package dev.wisp.server.forms;

import dev.wisp.core.Ascii;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.Status;
import java.io.IOException;
import java.io.InputStream;

/**
 * One part's content within its size limit: {@code maxFileBytes} for an upload, {@code maxFieldBytes} for a plain
 * field. Reading past the limit throws a 413 naming it. Not thread-safe.
 */
final class PartContent extends InputStream {
    private final InputStream content;
    private final PartHead head;
    private final long max;
    private final String limitName;
    private long read;

    PartContent(InputStream content, PartHead head, FormConfig config) {
        this.content = content;
        this.head = head;
        this.max = head.isFile() ? config.maxFileBytes() : config.maxFieldBytes();
        this.limitName = head.isFile() ? "maxFileBytes" : "maxFieldBytes";
    }

    @Override
    public int read() throws IOException {
        int b = content.read();
        count(b < 0 ? 0 : 1);
        return b;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        int n = content.read(into, offset, length);
        count(n);
        return n;
    }

    private void count(int n) throws MessageTooLargeException {
        if (n > 0) {
            read += n;
            if (read > max) {
                throw new MessageTooLargeException(Status.CONTENT_TOO_LARGE, "multipart part '"
                        + Ascii.escape(head.name()) + "'", max, limitName);
            }
        }
    }
}
