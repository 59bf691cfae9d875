package dev.wisp.server.forms;

import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.Status;
import java.io.IOException;

/**
 * A part above the memory threshold could not be written to its temporary file: the disk is full, a quota is
 * reached, or the write failed. The request was fine, and may succeed later: the server answers 507 Insufficient
 * Storage and closes the connection. The cause is the file system's failure, for the operator; the message, sent
 * to the client, names no path.
 */
public final class UploadNotStoredException extends HttpProtocolException {
    UploadNotStoredException(IOException cause) {
        super(Status.INSUFFICIENT_STORAGE, "the upload cannot be stored now; try again later");
        initCause(cause);
    }
}
