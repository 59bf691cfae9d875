package dev.wisp.http2;

/**
 * A header block (a HEADERS or PUSH_PROMISE frame and its CONTINUATION frames) grew beyond the reader's
 * {@code maxHeaderBlockBytes} before it ended: the defence against CONTINUATION floods (CVE-2024-27316 and its
 * kin), where a peer sends CONTINUATION frames without end. Since the block cannot be decoded, the peer's HPACK table
 * and ours would differ, so it ends the connection, with ENHANCE_YOUR_CALM (RFC 9113 §7).
 */
public final class HeaderBlockTooLargeException extends ConnectionException {
    private final int limit;

    public HeaderBlockTooLargeException(int streamId, int limit) {
        super(ErrorCode.ENHANCE_YOUR_CALM, "header block on stream " + streamId + " exceeds " + limit
                + " bytes (maxHeaderBlockBytes, counting 9 bytes for each frame's header)");
        this.limit = limit;
    }

    /** The limit that was crossed: {@code maxHeaderBlockBytes}. */
    public int limit() {
        return limit;
    }
}
