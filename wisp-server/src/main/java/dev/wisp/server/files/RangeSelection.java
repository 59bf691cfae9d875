package dev.wisp.server.files;

import java.util.List;

/**
 * What to send of a file of known size, given the request's Range header (RFC 9110 §14.1.2, §14.2).
 */
sealed interface RangeSelection
        permits RangeSelection.Whole, RangeSelection.Part, RangeSelection.Parts, RangeSelection.Unsatisfiable {
    /**
     * The whole file, 200: no Range, an ignored one (invalid, another unit, too many ranges, overlapping ranges),
     * or a stale If-Range.
     */
    record Whole() implements RangeSelection {
    }

    /** One range, 206 with {@code Content-Range: bytes first-last/size}; both ends inclusive and within the file. */
    record Part(long first, long last) implements RangeSelection {
        long length() {
            return last - first + 1;
        }
    }

    /**
     * Two or more satisfiable ranges that do not overlap, in the order they were asked for: 206 with
     * {@code multipart/byteranges} (§14.6), one body part each.
     */
    record Parts(List<Part> parts) implements RangeSelection {
        public Parts {
            parts = List.copyOf(parts);
        }
    }

    /** 416 with {@code Content-Range: bytes *}{@code /size}: a valid range set wholly past the end. */
    record Unsatisfiable() implements RangeSelection {
    }
}
