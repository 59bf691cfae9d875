package dev.wisp.server.files;

/**
 * What to send of a file of known size, given the request's Range header (RFC 9110 §14.1.2, §14.2).
 */
sealed interface RangeSelection permits RangeSelection.Whole, RangeSelection.Part, RangeSelection.Unsatisfiable {
    /** The whole file, 200: no Range, an ignored one (invalid, another unit, several ranges), or a stale If-Range. */
    record Whole() implements RangeSelection {
    }

    /** One range, 206 with {@code Content-Range: bytes first-last/size}; both ends inclusive and within the file. */
    record Part(long first, long last) implements RangeSelection {
        long length() {
            return last - first + 1;
        }
    }

    /** 416 with {@code Content-Range: bytes *}{@code /size}: a valid range that lies wholly past the end. */
    record Unsatisfiable() implements RangeSelection {
    }
}
