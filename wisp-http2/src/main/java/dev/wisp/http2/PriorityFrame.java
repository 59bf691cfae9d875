package dev.wisp.http2;

import java.util.Objects;

/** A PRIORITY frame (RFC 9113 §6.3): parsed and, as RFC 9113 allows, acted on by nothing in Wisp. */
public record PriorityFrame(int streamId, Priority priority) implements Frame {
    public PriorityFrame {
        FrameFields.requireStream(streamId, "PRIORITY");
        Objects.requireNonNull(priority, "priority");
    }
}
