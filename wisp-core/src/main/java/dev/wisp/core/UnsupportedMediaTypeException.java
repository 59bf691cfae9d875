package dev.wisp.core;

/** The content is not of a media type, or in a charset, the reader handles; a server answers 415. */
public final class UnsupportedMediaTypeException extends HttpProtocolException {
    public UnsupportedMediaTypeException(String message) {
        super(Status.UNSUPPORTED_MEDIA_TYPE, message);
    }
}
