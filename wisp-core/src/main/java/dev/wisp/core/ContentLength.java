package dev.wisp.core;

/**
 * Reads Content-Length (RFC 9110 §8.6) as both protocols' codecs must: 1*DIGIT, and several fields or a list accepted
 * only if every value is the same, since a sender that repeats the field may not change it.
 */
public final class ContentLength {
    private ContentLength() {
    }

    /**
     * The length the Content-Length fields of these headers give.
     *
     * @return the length, or -1 if there is no such field
     * @throws MalformedMessageException if a value is not a number of at most 18 digits, or two values differ
     */
    public static long of(Headers headers) throws MalformedMessageException {
        long length = -1;
        for (String field : headers.all(HeaderNames.CONTENT_LENGTH)) {
            length = fold(HeaderNames.CONTENT_LENGTH, field, length);
        }
        return length;
    }

    /**
     * Takes one more Content-Length field, a value or a list, into the length of the fields before it.
     *
     * @param name the field's name as the messages should spell it ({@code Content-Length}, {@code content-length})
     * @param earlier the length of the fields before it, or -1 before the first
     * @return the length
     * @throws MalformedMessageException if a value is not a number of at most 18 digits, or differs from another
     */
    public static long fold(String name, String field, long earlier) throws MalformedMessageException {
        long length = earlier;
        for (String value : field.split(",", -1)) {
            long parsed = Ascii.parseDigits(value.strip());
            if (parsed < 0) {
                throw new MalformedMessageException("invalid " + name + ": '" + Ascii.escape(field) + "'");
            }
            if (length >= 0 && parsed != length) {
                throw new MalformedMessageException("differing " + name + " values: " + length + " and " + parsed);
            }
            length = parsed;
        }
        return length;
    }
}
