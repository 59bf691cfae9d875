package dev.wisp.http1;

import dev.wisp.core.MalformedMessageException;
import dev.wisp.core.WireInput;
import java.io.EOFException;
import java.io.IOException;

/**
 * Finds the end of the next line in a {@link WireInput}'s buffer, filling it as needed, without copying. A line
 * ends at LF; a CR directly before it belongs to the terminator (RFC 9112 §2.2 lets a recipient accept a bare LF,
 * and we do); any other CR is a bare CR, which the field and start-line checks reject. A line longer than the read
 * buffer and within its limit grows the buffer for itself ({@link WireInput#growTo}), so that the limit a
 * configuration gives holds for one line too, not only for the read buffer's size.
 */
final class LineScanner {
    private LineScanner() {
    }

    /**
     * Makes sure a whole line is buffered and returns the index of its LF in {@code in.buffer()}.
     *
     * @param maxLength the longest line allowed, without its terminator
     * @param tooLong thrown, filled in, when the line is longer than maxLength
     * @throws EOFException if the stream ends before the line does
     */
    static int scanLine(WireInput in, int maxLength, TooLong tooLong) throws IOException {
        int scanned = 0;
        while (true) {
            byte[] buffer = in.buffer();
            int start = in.position();
            int end = in.limit();
            if (buffer != null) {
                for (int i = start + scanned; i < end; i++) {
                    if (buffer[i] == '\n') {
                        int length = i - start;
                        if (length > 0 && buffer[i - 1] == '\r') {
                            length--;
                        }
                        if (length > maxLength) {
                            throw tooLong.create();
                        }
                        return i;
                    }
                }
                scanned = end - start;
                if (scanned > maxLength + 1) {
                    throw tooLong.create();
                }
                if (scanned >= in.capacity()) {
                    // Within its limit (at most maxLength and CRLF), doubling at each step: a line a little past
                    // the buffer does not take an array of the whole limit.
                    in.growTo((int) Math.min(maxLength + 2L, 2L * in.capacity()));
                }
            }
            if (!in.fill()) {
                if (in.buffered() == 0) {
                    throw new EOFException("stream ended before a line started");
                }
                throw new EOFException("stream ended in the middle of a line");
            }
        }
    }

    /** The end of line content for a line whose LF is at index lf: before the CR of a CRLF. */
    static int contentEnd(WireInput in, int lf) {
        return lf > in.position() && in.buffer()[lf - 1] == '\r' ? lf - 1 : lf;
    }

    /** Makes the exception for a line that is too long; called only when one is. */
    @FunctionalInterface
    interface TooLong {
        IOException create();
    }

    /** Fails on the first bare CR in a line's content. */
    static void rejectBareCr(byte[] buffer, int from, int to, String where) throws MalformedMessageException {
        for (int i = from; i < to; i++) {
            if (buffer[i] == '\r') {
                throw new MalformedMessageException("bare CR in " + where);
            }
        }
    }
}
