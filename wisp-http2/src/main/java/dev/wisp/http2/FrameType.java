package dev.wisp.http2;

/** The frame types RFC 9113 §6 defines, with their codes. Other codes are extension frames (§5.5). */
public enum FrameType {
    DATA(0x0),
    HEADERS(0x1),
    PRIORITY(0x2),
    RST_STREAM(0x3),
    SETTINGS(0x4),
    PUSH_PROMISE(0x5),
    PING(0x6),
    GOAWAY(0x7),
    WINDOW_UPDATE(0x8),
    CONTINUATION(0x9);

    private static final FrameType[] BY_CODE = values();

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    /** The type's code on the wire. */
    public int code() {
        return code;
    }

    /** The type with this code, or null for an extension type (which a reader skips, RFC 9113 §4.1). */
    static FrameType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
