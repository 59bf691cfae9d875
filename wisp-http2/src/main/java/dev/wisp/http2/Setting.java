package dev.wisp.http2;

/**
 * One parameter of a SETTINGS frame (RFC 9113 §6.5.1).
 *
 * @param identifier the 16-bit identifier, such as {@link Settings#MAX_FRAME_SIZE}
 * @param value the 32-bit value, unsigned
 */
public record Setting(int identifier, long value) {
    public Setting {
        if (identifier < 0 || identifier > 0xffff) {
            throw new IllegalArgumentException("setting identifier must be 16 bits: " + identifier);
        }
        if (value < 0 || value > 0xffff_ffffL) {
            throw new IllegalArgumentException("setting value must be 0 to 2^32-1: " + value);
        }
    }
}
