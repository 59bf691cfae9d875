package dev.wisp.server.files;

import dev.wisp.core.Body;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A region of an open file as a body of known length, read in small buffers as it is written, so neither a large
 * file nor a large range is ever held in memory. The caller owns the channel and closes it; for a HEAD request
 * the server never calls {@link #writeTo}.
 */
final class FileRegionBody implements Body {
    private static final int BUFFER_BYTES = 16 * 1024;

    private final FileChannel channel;
    private final long offset;
    private final long length;

    FileRegionBody(FileChannel channel, long offset, long length) {
        this.channel = channel;
        this.offset = offset;
        this.length = length;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(BUFFER_BYTES, Math.max(1, length)));
        long position = offset;
        long end = offset + length;
        while (position < end) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
            int read = channel.read(buffer, position);
            if (read < 0) {
                // Content-Length is already on the wire; the connection must close rather than send short.
                throw new IOException("file shrank while being sent: " + (end - position) + " of " + length
                        + " bytes missing");
            }
            out.write(buffer.array(), 0, read);
            position += read;
        }
    }
}
