package dev.wisp.http2;

/** Checks of the fields given to frame records, shared by the types that have them. */
final class FrameFields {
    private FrameFields() {
    }

    /** Checks the stream id of a frame that needs a stream: 1 to 2^31-1. */
    static int requireStream(int streamId, String frame) {
        if (streamId <= 0) {
            throw new IllegalArgumentException(frame + " needs a stream id from 1 to 2^31-1, not " + streamId);
        }
        return streamId;
    }

    /** Checks the bytes padding took, the Pad Length field included: 0 to 256. */
    static int requirePadding(int padding) {
        if (padding < 0 || padding > 256) {
            throw new IllegalArgumentException("padding must be 0 to 256 bytes: " + padding);
        }
        return padding;
    }
}
