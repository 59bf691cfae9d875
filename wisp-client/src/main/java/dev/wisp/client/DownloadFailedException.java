package dev.wisp.client;

import dev.wisp.core.Headers;
import dev.wisp.core.Status;
import java.util.Optional;

/**
 * A download that cannot end whole, for a reason the network did not cause (those come as the call's own failure,
 * once the retries are used up): the server refused it, the file is larger than allowed, or its bytes are not the
 * ones expected.
 */
public final class DownloadFailedException extends HttpCallException {
    /** Why the download failed. */
    public enum Reason {
        /** The server answered with a status that is no part of a download (a 404, say); {@link #status()} has it. */
        REFUSED,
        /** The file is longer than {@code maxBytes}. */
        TOO_LARGE,
        /** The whole file's SHA-256 is not {@code expectedSha256}. */
        DIGEST_MISMATCH
    }

    private final Reason reason;
    private final Status status;
    private final Headers headers;

    DownloadFailedException(String message, Reason reason, Status status, Headers headers) {
        super(message, null);
        this.reason = reason;
        this.status = status;
        this.headers = headers;
    }

    public Reason reason() {
        return reason;
    }

    /** The status of a refusal; empty for the other reasons. */
    public Optional<Status> status() {
        return Optional.ofNullable(status);
    }

    /** The header fields of a refusal; empty for the other reasons. */
    public Headers headers() {
        return headers == null ? Headers.empty() : headers;
    }
}
