package dev.wisp.http1;

import dev.wisp.core.Status;

/**
 * Which kind of message a codec reader reads, so its errors speak for the side that reads it. A server reads
 * requests: a limit crossed is the status it answers (414, 431, 413) and the names are the server's options. A
 * client reads responses: there is no status to answer, so a limit crossed carries 502 (what a gateway would
 * answer for such a response) and the names are the client's options. The client maps these to its own
 * exceptions; it never sends the status anywhere.
 */
public enum Http1MessageType {
    /** A request, read by a server. */
    REQUEST("request line", "maxRequestLineBytes"),
    /** A response, read by a client. */
    RESPONSE("status line", "maxStatusLineBytes");

    private final String startLine;
    private final String startLineLimitName;

    Http1MessageType(String startLine, String startLineLimitName) {
        this.startLine = startLine;
        this.startLineLimitName = startLineLimitName;
    }

    /** "request line" or "status line", for messages. */
    public String startLine() {
        return startLine;
    }

    /** The option that bounds the start line ({@link Http1Limits#maxStartLineBytes()}), named in errors. */
    public String startLineLimitName() {
        return startLineLimitName;
    }

    /**
     * The status a too-large part of this message carries: the server's answer for a request, 502 for a response.
     *
     * @param requestStatus the status a server answers for this part of a request (414, 431 or 413)
     */
    public Status tooLargeStatus(Status requestStatus) {
        return this == REQUEST ? requestStatus : Status.BAD_GATEWAY;
    }
}
