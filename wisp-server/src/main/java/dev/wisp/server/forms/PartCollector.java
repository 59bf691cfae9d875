package dev.wisp.server.forms;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reads one part's content into a {@link Part}: in memory up to {@code memoryThresholdBytes}, then into a new
 * temporary file in {@code tempDirectory}. A file it created is deleted if the reading fails. Stateless.
 */
final class PartCollector {
    private static final int CHUNK_BYTES = 8 * 1024;

    private PartCollector() {
    }

    /**
     * @param created told of a temporary file as soon as it exists, so its owner can delete it whatever happens
     * @throws UploadNotStoredException if the part's temporary file cannot be written (the disk is full)
     */
    static Part collect(PartHead head, InputStream content, FormConfig config, Consumer<Path> created)
            throws IOException {
        ByteArrayOutputStream memory = new ByteArrayOutputStream(Math.min(config.memoryThresholdBytes(), CHUNK_BYTES));
        byte[] chunk = new byte[CHUNK_BYTES];
        int n;
        while ((n = content.read(chunk, 0, chunk.length)) >= 0) {
            if (memory.size() + n > config.memoryThresholdBytes()) {
                return spill(head, memory, chunk, n, content, config.tempDirectory(), created);
            }
            memory.write(chunk, 0, n);
        }
        return Part.inMemory(head, memory.toByteArray());
    }

    /**
     * Writes what was read so far, then the rest of the part, to a new temporary file. Reads and writes are kept
     * apart: a failed read is the client's (gone, too slow), a failed write the disk's.
     */
    private static Part spill(PartHead head, ByteArrayOutputStream memory, byte[] chunk, int n, InputStream content,
            Path directory, Consumer<Path> created) throws IOException {
        Path file = UploadFiles.create(directory);
        created.accept(file);
        // Closed here, where a failure is the disk's, and again by the try on the way out, which does nothing then
        // and after a failure frees the descriptor, its own failure suppressed behind the one that says more.
        try (OutputStream out = UploadFiles.open(file)) {
            long size = memory.size();
            UploadFiles.write(out, memory.toByteArray(), 0, memory.size(), directory);
            for (; n >= 0; n = content.read(chunk, 0, chunk.length)) {
                UploadFiles.write(out, chunk, 0, n, directory);
                size += n;
            }
            UploadFiles.close(out, directory);
            UploadFiles.stored(directory);
            return Part.inFile(head, file, size);
        }
    }
}
