package dev.wisp.server.files;

import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.HeaderNames;
import dev.wisp.core.Status;
import dev.wisp.server.ServerResponse;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The answer when a file or directory that was resolved inside the root cannot then be opened. Only its absence
 * (removed since it was resolved) is a 404. Anything else is the server's trouble, not the client's, and is logged
 * at WARNING for the operator: a file the server may not read is a misconfiguration, 500; any other failure, above
 * all a full descriptor table (EMFILE, ENFILE), is taken as passing, 503 with {@code Retry-After}.
 */
final class FileOpenFailures {
    private static final System.Logger LOG = System.getLogger(FileHandler.class.getName());
    /** Seconds a client should wait before trying again: descriptors come back as connections close. */
    static final String RETRY_AFTER_SECONDS = "1";

    private FileOpenFailures() {
    }

    /** Writes a 404 for a file that is gone. */
    @FunctionalInterface
    interface NotFound {
        void answer() throws IOException;
    }

    static void answer(ServerResponse response, Path path, IOException failure, NotFound notFound)
            throws IOException {
        if (failure instanceof NoSuchFileException || failure instanceof NotDirectoryException) {
            notFound.answer();
            return;
        }
        LOG.log(WARNING, "cannot open " + path + ": " + failure);
        if (failure instanceof AccessDeniedException) {
            response.status(Status.INTERNAL_SERVER_ERROR).send("file cannot be read\n");
            return;
        }
        response.status(Status.SERVICE_UNAVAILABLE).header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .send("file cannot be opened now; try again later\n");
    }
}
