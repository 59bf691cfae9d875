package dev.wisp.server.forms;

import java.io.InputStream;
import java.util.Optional;

/**
 * One part of a multipart body read as it arrives ({@link Forms#streamMultipart}): its head, and its content as a
 * stream valid only during the {@link PartHandler} call. Nothing of it is buffered beyond the reader's 8 KiB.
 *
 * @param content ends at the part's end; reading past {@code maxFileBytes} (an upload) or {@code maxFieldBytes}
 *        (a plain field) throws a 413 {@link dev.wisp.core.MessageTooLargeException}
 */
public record StreamedPart(PartHead head, InputStream content) {
    /** The form field's name. */
    public String name() {
        return head.name();
    }

    /** The file name of an upload, as the client sent it (untrusted); empty for a plain field. */
    public Optional<String> filename() {
        return head.filename();
    }
}
