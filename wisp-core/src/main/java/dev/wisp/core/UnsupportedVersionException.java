package dev.wisp.core;

/** The message names an HTTP major version this codec does not speak (RFC 9110 §6.2); a server answers 505. */
public final class UnsupportedVersionException extends HttpProtocolException {
    public UnsupportedVersionException(String version) {
        super(Status.HTTP_VERSION_NOT_SUPPORTED, "HTTP version '" + Ascii.escape(version) + "' is not supported");
    }
}
