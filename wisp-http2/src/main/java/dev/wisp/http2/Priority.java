package dev.wisp.http2;

/**
 * The priority fields of a PRIORITY frame or of a HEADERS frame with the PRIORITY flag (RFC 9113 §5.3.2, §6.3).
 * RFC 9113 deprecates this scheme; Wisp parses the fields and nothing acts on them.
 *
 * @param exclusive the E bit
 * @param streamDependency the stream this one depends on, 0 for none
 * @param weight 1 to 256 (the wire carries it minus one)
 */
public record Priority(boolean exclusive, int streamDependency, int weight) {
    public Priority {
        if (streamDependency < 0) {
            throw new IllegalArgumentException("stream dependency must be 0 to 2^31-1: " + streamDependency);
        }
        if (weight < 1 || weight > 256) {
            throw new IllegalArgumentException("weight must be 1 to 256: " + weight);
        }
    }
}
