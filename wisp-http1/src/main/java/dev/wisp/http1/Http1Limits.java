package dev.wisp.http1;

/**
 * Size limits the HTTP/1.1 head and chunk readers enforce. Each is checked as bytes arrive, so a peer can never
 * make the reader buffer more than the limit.
 *
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>limit</th><th>default</th><th>when crossed</th></tr>
 *   <tr><td>{@code maxStartLineBytes}</td><td>8192</td><td>request line: 414, named {@code maxRequestLineBytes} in
 *       errors as in the server's configuration; status line: 502, named {@code maxStatusLineBytes} as in the
 *       client's</td></tr>
 *   <tr><td>{@code maxHeaderBytes}</td><td>16384</td><td>the field lines of the head, or of the trailers: 431 in a
 *       request, 502 in a response</td></tr>
 *   <tr><td>{@code maxHeaderCount}</td><td>100</td><td>number of field lines in the head, or trailers: 431 in a
 *       request, 502 in a response</td></tr>
 *   <tr><td>{@code maxChunkLineBytes}</td><td>1024</td><td>400: a chunk-size line with its extensions</td></tr>
 * </table>
 *
 * <p>The same limits serve both sides; {@link Http1MessageType} decides the status and names in the errors.
 *
 * <p>Lines are scanned in place in the {@link dev.wisp.core.WireInput} buffer; one longer than the buffer grows it
 * for itself, up to the line's limit here, and the buffer shrinks back once the line is consumed.
 *
 * @param maxStartLineBytes the longest request or status line, without CRLF
 * @param maxHeaderBytes the most bytes of field lines, with their CRLFs, in one head or trailer section
 * @param maxHeaderCount the most field lines in one head or trailer section
 * @param maxChunkLineBytes the longest chunk-size line with its extensions, without CRLF
 */
public record Http1Limits(int maxStartLineBytes, int maxHeaderBytes, int maxHeaderCount, int maxChunkLineBytes) {
    private static final Http1Limits DEFAULTS = new Http1Limits(8192, 16384, 100, 1024);

    public Http1Limits {
        requirePositive(maxStartLineBytes, "maxStartLineBytes");
        requirePositive(maxHeaderBytes, "maxHeaderBytes");
        requirePositive(maxHeaderCount, "maxHeaderCount");
        requirePositive(maxChunkLineBytes, "maxChunkLineBytes");
    }

    private static void requirePositive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    public static Http1Limits defaults() {
        return DEFAULTS;
    }
}
