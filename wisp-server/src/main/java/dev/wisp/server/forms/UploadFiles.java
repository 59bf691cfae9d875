package dev.wisp.server.forms;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The temporary files of parts above the memory threshold, and what happens when the disk will not take them. A
 * write that fails (a full disk, a quota) is the server's passing trouble, not the client's: it becomes an
 * {@link UploadNotStoredException} (507), and the operator is told once, at WARNING, until a part is stored again,
 * which is told once too. A temporary directory that is missing or not writable is a misconfiguration: its failure
 * goes on as it is, the server's 500.
 */
final class UploadFiles {
    private static final System.Logger LOG = System.getLogger(Forms.class.getName());
    /** Whether the last attempt to store a part failed; shared by every form, as the operator's disk is. */
    private static final AtomicBoolean FAILING = new AtomicBoolean();

    private UploadFiles() {
    }

    /** Creates a temporary file in the directory and opens it for writing. */
    static Path create(Path directory) throws IOException {
        try {
            return Files.createTempFile(directory, "wisp-upload-", ".part");
        } catch (AccessDeniedException | NoSuchFileException | NotDirectoryException misconfigured) {
            throw misconfigured;
        } catch (IOException e) {
            throw notStored(directory, e);
        }
    }

    static OutputStream open(Path file) throws IOException {
        try {
            return Files.newOutputStream(file);
        } catch (AccessDeniedException | NoSuchFileException misconfigured) {
            throw misconfigured;
        } catch (IOException e) {
            throw notStored(file.getParent(), e);
        }
    }

    /** Writes to a part's file; a failure is the disk's. */
    static void write(OutputStream file, byte[] bytes, int offset, int length, Path directory)
            throws UploadNotStoredException {
        try {
            file.write(bytes, offset, length);
        } catch (IOException e) {
            throw notStored(directory, e);
        }
    }

    /** Closes a part's file, which may write what was buffered; a failure is the disk's. */
    static void close(OutputStream file, Path directory) throws UploadNotStoredException {
        try {
            file.close();
        } catch (IOException e) {
            throw notStored(directory, e);
        }
    }

    /** Notes that a part was stored: the operator learns, once, that uploads are stored again. */
    static void stored(Path directory) {
        if (FAILING.get() && FAILING.compareAndSet(true, false)) {
            LOG.log(INFO, "uploads are stored in " + directory + " again");
        }
    }

    private static UploadNotStoredException notStored(Path directory, IOException cause) {
        if (FAILING.compareAndSet(false, true)) {
            LOG.log(WARNING, "cannot store uploads in " + directory + " (" + cause.getMessage()
                    + "): answering 507 until a part is stored again");
        }
        return new UploadNotStoredException(cause);
    }
}
