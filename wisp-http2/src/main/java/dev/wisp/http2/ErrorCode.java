package dev.wisp.http2;

/**
 * An HTTP/2 error code (RFC 9113 §7), as RST_STREAM and GOAWAY carry it: a 32-bit value. The fourteen codes of the
 * RFC are constants; any other value is kept as its number, since §7 says unknown codes "MUST NOT trigger any special
 * behavior" and may be treated as {@link #INTERNAL_ERROR}.
 *
 * @param code the value on the wire, an unsigned 32-bit number held in an int
 */
public record ErrorCode(int code) {
    public static final ErrorCode NO_ERROR = new ErrorCode(0x0);
    public static final ErrorCode PROTOCOL_ERROR = new ErrorCode(0x1);
    public static final ErrorCode INTERNAL_ERROR = new ErrorCode(0x2);
    public static final ErrorCode FLOW_CONTROL_ERROR = new ErrorCode(0x3);
    public static final ErrorCode SETTINGS_TIMEOUT = new ErrorCode(0x4);
    public static final ErrorCode STREAM_CLOSED = new ErrorCode(0x5);
    public static final ErrorCode FRAME_SIZE_ERROR = new ErrorCode(0x6);
    public static final ErrorCode REFUSED_STREAM = new ErrorCode(0x7);
    public static final ErrorCode CANCEL = new ErrorCode(0x8);
    public static final ErrorCode COMPRESSION_ERROR = new ErrorCode(0x9);
    public static final ErrorCode CONNECT_ERROR = new ErrorCode(0xa);
    public static final ErrorCode ENHANCE_YOUR_CALM = new ErrorCode(0xb);
    public static final ErrorCode INADEQUATE_SECURITY = new ErrorCode(0xc);
    public static final ErrorCode HTTP_1_1_REQUIRED = new ErrorCode(0xd);

    private static final String[] NAMES = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
        "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};

    /** Whether RFC 9113 defines this code. */
    public boolean isKnown() {
        return code >= 0 && code < NAMES.length;
    }

    /** The RFC's name, such as {@code PROTOCOL_ERROR}, or {@code 0x} and the number in hex for an unknown code. */
    public String name() {
        return isKnown() ? NAMES[code] : "0x" + Integer.toHexString(code);
    }

    @Override
    public String toString() {
        return name();
    }
}
