package dev.wisp.server.files;

import dev.wisp.core.HeaderNames;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.Status;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import dev.wisp.server.filters.CrossOriginProtection;
import dev.wisp.server.forms.FormConfig;
import dev.wisp.server.forms.Forms;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * The forms of a writable folder's listing, for a browser and without a script: a {@code multipart/form-data} POST to
 * the folder stores each file the form holds there, under its name, as a PUT stores one, and deletes the file each
 * {@value #DELETE_FIELD} field names (the button beside each file), as a DELETE does; then 303 See Other back to the
 * listing.
 *
 * <p>A form from another origin is refused with 403 ({@link CrossOriginProtection}): another site's page must not
 * store or delete files here with the cookies or credentials the browser holds for this server.
 */
final class FolderForm {
    /** The form field that names a file of the folder to delete. */
    static final String DELETE_FIELD = "delete";
    /** More than a file name can be (255 bytes on the usual file systems), with room for UTF-8. */
    private static final int MAX_DELETE_FIELD_BYTES = 1024;
    /** A form's files are streamed to their place, so only the server's maxRequestBodyBytes bounds them. */
    private static final FormConfig FORM = FormConfig.builder().maxFileBytes(Long.MAX_VALUE)
            .maxMultipartBytes(Long.MAX_VALUE).build();

    private final RootDirectory root;
    private final FileWrites writes;

    FolderForm(RootDirectory root, FileWrites writes) {
        this.root = root;
        this.writes = writes;
    }

    /**
     * Handles a form posted to a folder. A file's name is the last segment of what the browser sent; a name that
     * names no file or a hidden one is a 400, and whatever the form did before it stays done. A file to delete that
     * is gone already is passed over (a second click); a folder is a 409, a link a 403. Other fields are ignored.
     */
    void post(ServerRequest request, ServerResponse response, List<String> segments) throws IOException {
        if (!CrossOriginProtection.defaults().allows(request)) {
            CrossOriginProtection.refuse(response);
            return;
        }
        if (segments == null || root.hidesAny(segments)) {
            response.status(Status.NOT_FOUND).send("not found\n");
            return;
        }
        Path folder = root.resolve(segments);
        BasicFileAttributes folderAttributes = folder == null ? null : FileWrites.attributes(folder);
        if (folderAttributes == null || !folderAttributes.isDirectory() || root.leadsToHidden(folder)) {
            response.status(Status.NOT_FOUND).send("not found\n");
            return;
        }
        int[] stored = new int[1];
        int[] deleted = new int[1];
        Forms.streamMultipart(request, FORM, part -> {
            if (part.filename().isEmpty() && part.name().equals(DELETE_FIELD)) {
                deleted[0] += delete(child(folder, fieldValue(part.content()), "deleted"));
            } else if (part.filename().isPresent() && !part.filename().get().isEmpty()) {
                store(child(folder, lastSegment(part.filename().get()), "stored"), part.content());
                stored[0]++;
            } // else another field, or a file input left empty
        });
        response.status(Status.SEE_OTHER).header(HeaderNames.LOCATION, "./")
                .send(stored[0] + (stored[0] == 1 ? " file" : " files") + " stored"
                        + (deleted[0] > 0 ? ", " + deleted[0] + " deleted\n" : "\n"));
    }

    /** The path of a file of the folder that a form names, or a 400 for a name that cannot be one here. */
    private Path child(Path folder, String name, String verb) throws HttpProtocolException {
        if (RootDirectory.isSafeSegment(name) && !root.hides(name)) {
            try {
                return FileNames.child(folder, name);
            } catch (IllegalArgumentException e) {
                // no file can have that name
            }
        }
        throw new HttpProtocolException(Status.BAD_REQUEST, "a file name that cannot be " + verb + ": " + name);
    }

    private void store(Path target, InputStream content) throws IOException {
        BasicFileAttributes current = FileWrites.attributes(target);
        if (!writes.isPlainOrAbsent(target) || (current != null && current.isDirectory())) {
            throw new HttpProtocolException(Status.CONFLICT, "cannot replace " + target.getFileName() + " with a file");
        }
        FileWrites.replace(target, content);
    }

    /** Deletes a file: 1, or 0 if it is gone already. */
    private int delete(Path target) throws IOException {
        BasicFileAttributes current = FileWrites.attributes(target);
        if (current == null) {
            return 0;
        }
        if (!writes.isPlainOrAbsent(target)) {
            throw new HttpProtocolException(Status.FORBIDDEN, "not deletable here: " + target.getFileName());
        }
        if (current.isDirectory()) {
            throw new HttpProtocolException(Status.CONFLICT, "a folder is not deleted: " + target.getFileName());
        }
        return Files.deleteIfExists(target) ? 1 : 0;
    }

    /** What a browser sent as a file's name, without a folder (older browsers sent a whole Windows path). */
    private static String lastSegment(String filename) {
        return filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
    }

    /** A form field's value, as UTF-8; one longer than any file name is a 400. */
    private static String fieldValue(InputStream content) throws IOException {
        byte[] value = content.readNBytes(MAX_DELETE_FIELD_BYTES + 1);
        if (value.length > MAX_DELETE_FIELD_BYTES) {
            throw new HttpProtocolException(Status.BAD_REQUEST, "a " + DELETE_FIELD + " field longer than a file name");
        }
        return new String(value, StandardCharsets.UTF_8);
    }
}
