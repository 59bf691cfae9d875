package dev.wisp.server.forms;

import dev.wisp.core.MediaType;
import dev.wisp.core.MalformedMessageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * One part of a {@link MultipartForm}, read whole: its content is in memory, or in a temporary file when it was
 * longer than {@code memoryThresholdBytes}. The file belongs to the form and is deleted when the form closes or
 * its exchange ends; {@link #saveTo} keeps the content beyond that.
 *
 * <p>Immutable, but its file goes away with the form.
 */
public final class Part {
    private final PartHead head;
    private final byte[] bytes;
    private final Path file;
    private final long size;

    private Part(PartHead head, byte[] bytes, Path file, long size) {
        this.head = head;
        this.bytes = bytes;
        this.file = file;
        this.size = size;
    }

    static Part inMemory(PartHead head, byte[] bytes) {
        return new Part(head, bytes, null, bytes.length);
    }

    static Part inFile(PartHead head, Path file, long size) {
        return new Part(head, null, file, size);
    }

    /** The part's header section: names, Content-Type, all fields. */
    public PartHead head() {
        return head;
    }

    /** The form field's name. */
    public String name() {
        return head.name();
    }

    /** The file name of an upload, as the client sent it (untrusted); empty for a plain field. */
    public Optional<String> filename() {
        return head.filename();
    }

    /** The content's length in bytes. */
    public long size() {
        return size;
    }

    /** Whether the content is held in memory rather than in a temporary file. */
    public boolean isInMemory() {
        return file == null;
    }

    /** The temporary file holding the content, if it was spilled to one; deleted with the form. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** Opens the content. */
    public InputStream inputStream() throws IOException {
        return file == null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file);
    }

    /** The content, read into memory (from the file, if the part has one). */
    public byte[] bytes() throws IOException {
        return file == null ? bytes.clone() : Files.readAllBytes(file);
    }

    /**
     * The content as text, in the charset of the part's Content-Type, else UTF-8 (what browsers send form fields
     * in when the page is UTF-8).
     *
     * @throws dev.wisp.core.UnsupportedMediaTypeException (415) if the charset is not one the JVM knows
     * @throws MalformedMessageException (400) if the Content-Type does not parse
     */
    public String text() throws IOException {
        Charset charset = head.contentType().isEmpty() ? StandardCharsets.UTF_8
                : MediaType.parse(head.contentType().get()).charset().orElse(StandardCharsets.UTF_8);
        return file == null ? new String(bytes, charset) : Files.readString(file, charset);
    }

    /**
     * Writes the content to a file, replacing it if it exists: a spilled part's temporary file is moved there when
     * the file system allows, so the part can no longer be read after.
     */
    public void saveTo(Path target) throws IOException {
        if (file == null) {
            Files.write(target, bytes);
        } else {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public String toString() {
        return "Part[" + head.name() + (head.filename().map(name -> ", file " + name).orElse("")) + ", " + size
                + " bytes" + (file == null ? "" : " in " + file) + "]";
    }
}
