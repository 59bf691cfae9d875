package dev.wisp.core;

/** An HTTP protocol version, as negotiated for one connection or stated on one HTTP/1.x message. */
public enum Version {
    HTTP_1_0("HTTP/1.0"),
    HTTP_1_1("HTTP/1.1"),
    HTTP_2("HTTP/2");

    private final String text;

    Version(String text) {
        this.text = text;
    }

    /** The version as written on the wire in an HTTP/1.x start line, and as ALPN-neutral text for HTTP/2. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
