package dev.wisp.server.forms;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
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
     */
    static Part collect(PartHead head, InputStream content, FormConfig config, Consumer<Path> created)
            throws IOException {
        ByteArrayOutputStream memory = new ByteArrayOutputStream(Math.min(config.memoryThresholdBytes(), CHUNK_BYTES));
        byte[] chunk = new byte[CHUNK_BYTES];
        int n;
        while ((n = content.read(chunk, 0, chunk.length)) >= 0) {
            if (memory.size() + n > config.memoryThresholdBytes()) {
                Path file = Files.createTempFile(config.tempDirectory(), "wisp-upload-", ".part");
                created.accept(file);
                try (OutputStream out = Files.newOutputStream(file)) {
                    memory.writeTo(out);
                    out.write(chunk, 0, n);
                    long size = memory.size() + (long) n + content.transferTo(out);
                    return Part.inFile(head, file, size);
                }
            }
            memory.write(chunk, 0, n);
        }
        return Part.inMemory(head, memory.toByteArray());
    }
}
