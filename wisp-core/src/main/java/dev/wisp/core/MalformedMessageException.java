package dev.wisp.core;

/** The message does not follow the HTTP grammar or its framing rules; a server answers 400. */
public final class MalformedMessageException extends HttpProtocolException {
    public MalformedMessageException(String message) {
        super(Status.BAD_REQUEST, message);
    }
}
