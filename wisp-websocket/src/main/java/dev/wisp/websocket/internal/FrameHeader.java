package dev.wisp.websocket.internal;

/**
 * The fixed part of a frame (RFC 6455 §5.2), once read and checked.
 *
 * @param fin whether this is the final fragment of its message
 * @param rsv1 the first reserved bit: "compressed" under permessage-deflate, on the first frame of a message
 * @param opcode the frame type
 * @param masked whether a masking key follows
 * @param maskKey the masking key, big-endian, if masked
 * @param length the payload length
 */
record FrameHeader(boolean fin, boolean rsv1, Opcode opcode, boolean masked, int maskKey, long length) {
}
