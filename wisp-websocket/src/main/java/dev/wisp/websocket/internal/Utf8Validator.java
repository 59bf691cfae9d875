package dev.wisp.websocket.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Checks that bytes are well-formed UTF-8 (RFC 3629) as they arrive, so a text message split across frames is
 * validated piece by piece and fails at the first bad byte rather than at its end. Overlong forms, UTF-16
 * surrogates (U+D800-U+DFFF) and code points above U+10FFFF are rejected, following the table of well-formed
 * byte sequences in Unicode §3.9 (D92).
 *
 * <p>Not thread-safe; one message at a time ({@link #reset()} between messages).
 */
public final class Utf8Validator {
    /** Eight bytes at a time, for runs of ASCII: most text is, and one test of a long covers them all. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** Continuation bytes still expected by the sequence in progress. */
    private int needed;
    /** The bounds of the next continuation byte: narrower than 0x80-0xBF right after some lead bytes. */
    private int lower = 0x80;
    private int upper = 0xBF;
    private boolean failed;

    /**
     * Feeds the next bytes.
     *
     * @return false if the bytes so far are not a prefix of well-formed UTF-8
     */
    public boolean feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end && !failed; i++) {
            if (needed == 0) {
                while (i + 8 <= end && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                if (i == end) {
                    break;
                }
            }
            int b = bytes[i] & 0xff;
            if (needed == 0) {
                if (b >= 0x80) {
                    lead(b);
                }
            } else if (b < lower || b > upper) {
                failed = true;
            } else {
                lower = 0x80;
                upper = 0xBF;
                needed--;
            }
        }
        return !failed;
    }

    private void lead(int b) {
        if (b < 0xC2 || b > 0xF4) {
            // 0x80-0xBF cannot start a sequence; 0xC0, 0xC1 only start overlong ones; 0xF5+ go past U+10FFFF.
            failed = true;
        } else if (b < 0xE0) {
            needed = 1;
        } else if (b < 0xF0) {
            needed = 2;
            lower = b == 0xE0 ? 0xA0 : 0x80;   // E0 80-9F would be overlong
            upper = b == 0xED ? 0x9F : 0xBF;   // ED A0-BF would be surrogates
        } else {
            needed = 3;
            lower = b == 0xF0 ? 0x90 : 0x80;   // F0 80-8F would be overlong
            upper = b == 0xF4 ? 0x8F : 0xBF;   // F4 90+ would pass U+10FFFF
        }
    }

    /** Whether the bytes fed so far are well-formed UTF-8 and end on a character boundary. */
    public boolean isComplete() {
        return !failed && needed == 0;
    }

    /** Starts over, for the next message. */
    public void reset() {
        needed = 0;
        lower = 0x80;
        upper = 0xBF;
        failed = false;
    }

    /** Whether these bytes are, whole, well-formed UTF-8. */
    public static boolean isValid(byte[] bytes, int offset, int length) {
        Utf8Validator validator = new Utf8Validator();
        return validator.feed(bytes, offset, length) && validator.isComplete();
    }
}
