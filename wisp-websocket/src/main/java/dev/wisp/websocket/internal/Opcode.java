package dev.wisp.websocket.internal;

import java.util.Locale;

/** The frame opcodes of RFC 6455 §5.2; 0x3-0x7 and 0xB-0xF are reserved and have no constant. */
public enum Opcode {
    CONTINUATION(0x0),
    TEXT(0x1),
    BINARY(0x2),
    CLOSE(0x8),
    PING(0x9),
    PONG(0xA);

    private static final Opcode[] BY_CODE = new Opcode[16];

    static {
        for (Opcode opcode : values()) {
            BY_CODE[opcode.code] = opcode;
        }
    }

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    /** The opcode with this 4-bit code, or {@code null} for a reserved one. */
    static Opcode of(int code) {
        return BY_CODE[code & 0xf];
    }

    /** The 4-bit code on the wire. */
    public int code() {
        return code;
    }

    /** The name in lower case, for messages: "text", "ping". */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Close, ping and pong: at most 125 bytes, never fragmented, allowed between the fragments of a message. */
    public boolean isControl() {
        return (code & 0x8) != 0;
    }
}
