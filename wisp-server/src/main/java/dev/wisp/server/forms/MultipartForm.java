package dev.wisp.server.forms;

import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.Headers;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@code multipart/form-data} body read whole, each part in memory or in a temporary file (see
 * {@link FormConfig}). Closing it deletes the temporary files; {@link Forms#multipart} also has its exchange close
 * it when the exchange ends, whatever the handler does, so closing it is needed only to free the disk sooner.
 *
 * <p>Used by the exchange's thread only.
 */
public final class MultipartForm implements Closeable {
    private static final System.Logger LOG = System.getLogger(MultipartForm.class.getName());

    private final List<Part> parts = new ArrayList<>();
    /** Every temporary file made for this form, deleted on close whether or not its part was finished. */
    private final List<Path> files = new ArrayList<>();

    MultipartForm() {
    }

    /** Reads every part of the body into this form; on failure the files made so far are deleted. */
    void readAll(MultipartReader reader, FormConfig config) throws IOException {
        try {
            while (reader.nextPart() instanceof Headers headers) {
                PartHead head = ContentDisposition.read(headers);
                parts.add(PartCollector.collect(head, new PartContent(reader.content(), head, config), config,
                        files::add));
            }
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Every part, in the order sent. */
    public List<Part> parts() {
        return List.copyOf(parts);
    }

    /** The first part of this field name. */
    public Optional<Part> part(String name) {
        return parts.stream().filter(part -> part.name().equals(name)).findFirst();
    }

    /** Every part of this field name, in order. */
    public List<Part> parts(String name) {
        return parts.stream().filter(part -> part.name().equals(name)).toList();
    }

    /** The uploads: parts with a file name, in order. */
    public List<Part> files() {
        return parts.stream().filter(part -> part.head().isFile()).toList();
    }

    /**
     * The plain fields (parts without a file name) as text.
     *
     * @throws dev.wisp.core.HttpProtocolException (415 or 400) if a field's Content-Type names a charset the JVM
     *         does not know, or does not parse
     */
    public FormData fields() throws IOException {
        FormData.Builder fields = new FormData.Builder();
        for (Part part : parts) {
            if (!part.head().isFile()) {
                fields.add(part.name(), part.text());
            }
        }
        return fields.build();
    }

    /** Deletes the temporary files; the parts held in memory stay readable. Calling it again does nothing. */
    @Override
    public void close() {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.log(WARNING, "could not delete the upload file " + file, e);
            }
        }
        files.clear();
    }
}
