package dev.wisp.server.forms;

import java.io.IOException;

/** Receives the parts of a multipart body one at a time, as they arrive; see {@link Forms#streamMultipart}. */
@FunctionalInterface
public interface PartHandler {
    /** Handles one part; what it leaves unread of the content is skipped. */
    void part(StreamedPart part) throws IOException;
}
