package dev.wisp.server.files;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.HeaderNames;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.Method;
import dev.wisp.core.Outage;
import dev.wisp.core.Status;
import dev.wisp.server.ServerRequest;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;

/**
 * PUT and DELETE of files under a {@link FileHandler}'s root ({@link FileHandler.Builder#writable}), as
 * esp_http_server's file server example uploads and deletes, and as WebDAV servers answer the two methods.
 *
 * <ul>
 *   <li><b>PUT</b> stores the request's content as the file at the path: 201 Created for a new file, 204 No Content
 *       for one replaced, each with the new file's ETag. The content goes to a hidden temporary file beside it
 *       ({@code .wisp-upload-*.part}, never served, listed, written or deleted by a request, even where hidden files
 *       are served), is forced to the disk, then takes the file's place in one rename: a reader sees the old file or
 *       the new one whole, never a part, and two PUTs at once leave one of them whole. The folder must exist (409
 *       Conflict otherwise, as WebDAV answers), and a folder is never replaced (409). Content that is coded
 *       ({@code Content-Encoding}) is refused with 415, a partial PUT ({@code Content-Range}) with 400 (RFC 9110
 *       §14.5); the server's {@code maxRequestBodyBytes} bounds the size (413).
 *   <li><b>DELETE</b> removes the file: 204; 404 if there is none; a folder is not removed (409).
 *   <li><b>POST</b> of a {@code multipart/form-data} form to a folder: the forms of its listing, for a browser,
 *       which upload files and delete them ({@link FolderForm}). (A browser sends a PUT or DELETE to another origin
 *       only once a preflight allowed it: a {@code Cors} filter's choice.)
 *   <li><b>Preconditions</b> (RFC 9110 §13.2.2): {@code If-Match} ({@code *} or the file's tag),
 *       {@code If-None-Match: *} (create only, the lost-update check), {@code If-Unmodified-Since}; a false one is a
 *       412 and nothing is written.
 *   <li><b>Confinement</b> as for reads: the folder is resolved inside the root, links followed; a hidden name (or
 *       one under a hidden folder) is a 404 unless the handler serves hidden files; an existing name that leads
 *       outside the root or to a hidden file is refused with 403, its link left as it is.
 *   <li><b>A full disk</b> (or a quota): 507 Insufficient Storage, nothing left behind; the operator is told once at
 *       WARNING, and once at INFO when a file is stored again.
 * </ul>
 */
final class FileWrites {
    private static final System.Logger LOG = System.getLogger(FileHandler.class.getName());
    private static final Outage FAILING = new Outage();
    private static final String TEMPORARY_PREFIX = ".wisp-upload-";
    private static final String TEMPORARY_SUFFIX = ".part";

    private final RootDirectory root;

    FileWrites(RootDirectory root) {
        this.root = root;
    }

    /**
     * Whether a name is that of an upload's temporary file, which no request may read, list, write or delete
     * whether or not hidden files are served: its content is not yet a file's, and its upload renames it.
     */
    static boolean isTemporaryName(String name) {
        return name.startsWith(TEMPORARY_PREFIX) && name.endsWith(TEMPORARY_SUFFIX);
    }

    void put(ServerRequest request, ServerResponse response, List<String> segments) throws IOException {
        if (!request.headers().all(HeaderNames.CONTENT_RANGE).isEmpty()) {
            throw new HttpProtocolException(Status.BAD_REQUEST, "a partial PUT (Content-Range) is not supported");
        }
        for (String coding : request.headers().all(HeaderNames.CONTENT_ENCODING)) {
            if (!coding.isBlank() && !coding.strip().equalsIgnoreCase("identity")) {
                throw new HttpProtocolException(Status.UNSUPPORTED_MEDIA_TYPE,
                        "coded content (Content-Encoding) is not stored");
            }
        }
        Path target = target(request, response, segments);
        if (target == null) {
            return;
        }
        BasicFileAttributes current = attributes(target);
        if (current != null && current.isDirectory()) {
            response.status(Status.CONFLICT).send("a folder is there\n");
            return;
        }
        if (!Validators.writeMayProceed(current == null ? null : Validators.of(current, Instant.now()),
                request.headers())) {
            response.status(Status.PRECONDITION_FAILED).send("precondition failed\n");
            return;
        }
        replace(target, request.body());
        BasicFileAttributes written = attributes(target);
        if (written != null) {
            response.header(HeaderNames.ETAG, Validators.of(written, Instant.now()).etag());
        }
        response.status(current == null ? Status.CREATED : Status.NO_CONTENT).send();
    }

    void delete(ServerRequest request, ServerResponse response, List<String> segments) throws IOException {
        Path target = target(request, response, segments);
        if (target == null) {
            return;
        }
        BasicFileAttributes current = attributes(target);
        if (current == null) {
            response.status(Status.NOT_FOUND).send("not found\n");
        } else if (current.isDirectory()) {
            response.status(Status.CONFLICT).send("a folder is not deleted\n");
        } else if (!Validators.writeMayProceed(Validators.of(current, Instant.now()), request.headers())) {
            response.status(Status.PRECONDITION_FAILED).send("precondition failed\n");
        } else if (Files.deleteIfExists(target)) {
            response.status(Status.NO_CONTENT).send();
        } else {
            response.status(Status.NOT_FOUND).send("not found\n");
        }
    }

    /**
     * The path to write, inside its folder's real path, or null with the answer sent: 404 for a folder that is
     * not there or a hidden name, 409 for a folder that is missing, 403 for a name that leads outside or to a hidden
     * file, 405 for a path that names a folder (a trailing slash, the root), 400 for a PUT of a name no file can have
     * (404 for a DELETE).
     */
    private Path target(ServerRequest request, ServerResponse response, List<String> segments) throws IOException {
        if (segments == null || root.hidesAny(segments)
                || (!segments.isEmpty() && !RootDirectory.isSafeSegment(segments.getLast()))) {
            response.status(Status.NOT_FOUND).send("not found\n");
            return null;
        }
        if (segments.isEmpty() || request.target().hasTrailingSlash()) {
            response.status(Status.METHOD_NOT_ALLOWED).header(HeaderNames.ALLOW, "GET, HEAD")
                    .send(request.method() + " names a file, not a folder\n");
            return null;
        }
        String name = segments.getLast();
        Path folder = root.resolve(segments.subList(0, segments.size() - 1));
        BasicFileAttributes folderAttributes = folder == null ? null : attributes(folder);
        if (folder != null && root.leadsToHidden(folder)) {
            response.status(Status.NOT_FOUND).send("not found\n");
            return null;
        }
        if (folderAttributes == null || !folderAttributes.isDirectory()) {
            response.status(Status.CONFLICT).send("no such folder\n");
            return null;
        }
        Path target;
        try {
            target = FileNames.child(folder, name);
        } catch (IllegalArgumentException e) {
            // No file can have that name: none to delete; and one to store is refused before its body is read.
            if (request.method().equals(Method.PUT)) {
                response.status(Status.BAD_REQUEST).send("no file can have that name: " + e.getMessage() + "\n");
            } else {
                response.status(Status.NOT_FOUND).send("not found\n");
            }
            return null;
        }
        if (!isPlainOrAbsent(target)) {
            response.status(Status.FORBIDDEN).send("not writable here\n");
            return null;
        }
        return target;
    }

    /**
     * Whether a path in a folder inside the root may be written: nothing is there, or something that is no link and
     * not hidden (when hidden files are not served). A link is never written through nor replaced.
     */
    boolean isPlainOrAbsent(Path target) {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        Path real = root.inside(target);
        return real != null && real.equals(target) && !root.leadsToHidden(real);
    }

    /**
     * Puts the content in the file's place: written to a hidden temporary file beside it, forced to the disk, then
     * renamed over it; the temporary file is deleted if any step fails.
     */
    static void replace(Path target, InputStream content) throws IOException {
        Path folder = target.getParent();
        Path temporary = store(content, folder);
        try {
            move(temporary, target);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        stored(folder);
    }

    /** Copies the content to a new hidden file in the folder, forced to the disk; deleted again if that fails. */
    private static Path store(InputStream content, Path folder) throws IOException {
        Path temporary;
        try {
            temporary = Files.createTempFile(folder, TEMPORARY_PREFIX, TEMPORARY_SUFFIX);
        } catch (AccessDeniedException | NoSuchFileException | NotDirectoryException misconfigured) {
            throw misconfigured; // the server may not write there, or the folder went away: not the disk's fault
        } catch (IOException e) {
            throw notStored(folder, e);
        }
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            OutputStream out = Channels.newOutputStream(channel);
            byte[] buffer = new byte[16 * 1024];
            for (int read = content.read(buffer); read >= 0; read = content.read(buffer)) {
                try {
                    out.write(buffer, 0, read);
                } catch (IOException e) {
                    throw notStored(folder, e);
                }
            }
            try {
                channel.force(true);
            } catch (IOException e) {
                throw notStored(folder, e);
            }
            return temporary;
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    private static void move(Path temporary, Path target) throws IOException {
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null; // none there (or none the server may see): a new file
        }
    }

    private static void stored(Path folder) {
        if (FAILING.ends()) {
            LOG.log(INFO, "files are stored in " + folder + " again");
        }
    }

    private static HttpProtocolException notStored(Path folder, IOException cause) {
        if (FAILING.starts()) {
            LOG.log(WARNING, "cannot store files in " + folder + " (" + cause.getMessage()
                    + "): answering 507 until a file is stored again");
        }
        HttpProtocolException refused = new HttpProtocolException(Status.INSUFFICIENT_STORAGE,
                "the file cannot be stored now; try again later");
        refused.initCause(cause);
        return refused;
    }
}
