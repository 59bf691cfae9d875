package dev.wisp.server.files;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.wisp.core.HeaderNames;
import dev.wisp.core.Outage;
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
 * all a full descriptor table (EMFILE, ENFILE), is taken as passing, 503 with {@code Retry-After}, and told once
 * until a file opens again (then at INFO): under a full table every request would log its line.
 */
final class FileOpenFailures {
    private static final System.Logger LOG = System.getLogger(FileHandler.class.getName());
    /** Seconds a client should wait before trying again: descriptors come back as connections close. */
    static final String RETRY_AFTER_SECONDS = "1";
    /** Whether files fail to open for a passing reason, told at WARNING, and not told to open again yet. */
    private static final Outage FAILING = new Outage();

    private FileOpenFailures() {
    }

    /** Writes a 404 for a file that is gone. */
    @FunctionalInterface
    interface NotFound {
        void answer() throws IOException;
    }

    /** A file opened: if files failed to open before, that they open again is told, once. */
    static void opened() {
        if (FAILING.ends()) {
            LOG.log(INFO, "files open again");
        }
    }

    static void answer(ServerResponse response, Path path, IOException failure, NotFound notFound)
            throws IOException {
        if (failure instanceof NoSuchFileException || failure instanceof NotDirectoryException) {
            notFound.answer();
            return;
        }
        if (failure instanceof AccessDeniedException) {
            LOG.log(WARNING, "cannot open " + path + ": " + failure);
            response.status(Status.INTERNAL_SERVER_ERROR).send("file cannot be read\n");
            return;
        }
        if (FAILING.starts()) {
            LOG.log(WARNING, "cannot open " + path + ": " + failure + "; answering 503 until a file opens again");
        }
        response.status(Status.SERVICE_UNAVAILABLE).header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .send("file cannot be opened now; try again later\n");
    }
}
