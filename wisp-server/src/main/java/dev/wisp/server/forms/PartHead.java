package dev.wisp.server.forms;

import dev.wisp.core.Headers;
import java.util.Objects;
import java.util.Optional;

/**
 * What the header section of a multipart/form-data part says: the field name and the file name from its
 * Content-Disposition, its Content-Type, and all its fields. A file name is as the client sent it: treat it as
 * untrusted input, never as a path to write to.
 *
 * @param name the form field's name
 * @param filename the file name of an upload ({@code filename*} preferred to {@code filename} when both came);
 *        empty for a plain field
 * @param contentType the part's Content-Type as sent; empty if none (RFC 7578 §4.4: then text/plain)
 * @param headers all header fields of the part, as ISO-8859-1 text
 */
public record PartHead(String name, Optional<String> filename, Optional<String> contentType, Headers headers) {
    public PartHead {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(headers, "headers");
    }

    /** Whether the part is an upload: it has a file name. */
    public boolean isFile() {
        return filename.isPresent();
    }
}
