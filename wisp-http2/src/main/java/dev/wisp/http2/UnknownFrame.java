package dev.wisp.http2;

/**
 * A frame of a type RFC 9113 does not define (an extension, §5.5), which {@link FrameReader} skipped: its payload is
 * read and dropped, and this says what went by, so that a connection can ignore it (as it must) or count it.
 *
 * @param type the type code, 10 to 255
 * @param flags the flags byte
 * @param length the payload length that was skipped
 */
public record UnknownFrame(int type, int flags, int streamId, int length) implements Frame {
}
