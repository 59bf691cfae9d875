package dev.wisp.core;

/** The message uses a transfer coding we do not implement (RFC 9112 §6.1); a server answers 501. */
public final class UnsupportedTransferCodingException extends HttpProtocolException {
    public UnsupportedTransferCodingException(String coding) {
        super(Status.NOT_IMPLEMENTED, "transfer coding '" + Ascii.escape(coding) + "' is not supported");
    }
}
