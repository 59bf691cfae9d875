package dev.wisp.http2;

/** A PING frame (RFC 9113 §6.7): 8 opaque bytes, here as one big-endian long, and whether it is the answer. */
public record PingFrame(boolean ack, long payload) implements Frame {
    @Override
    public int streamId() {
        return 0;
    }
}
