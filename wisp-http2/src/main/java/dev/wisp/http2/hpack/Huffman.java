package dev.wisp.http2.hpack;

/**
 * The static Huffman code of RFC 7541 Appendix B, for string literals (§5.2). Immutable, so thread-safe.
 *
 * <p>The code is canonical: sorted by length and, within a length, by symbol, each code is the previous one plus
 * one, shifted left when the length grows. So the table below holds only the lengths (the "len" column of
 * Appendix B), the codes follow from them, and the class checks at load time that they form a complete prefix code.
 * Decoding walks the bits of a code and, at each length, asks whether the bits so far fall within the codes of that
 * length: the first code of a length is known, and a canonical code has no shorter prefix below it.
 */
final class Huffman {
    /** The end-of-string symbol: its 30 one bits must never appear in a string, only a prefix of them as padding. */
    static final int EOS = 256;
    private static final int MAX_LENGTH = 30;

    /** Code length in bits of symbols 0 to 256 (EOS), RFC 7541 Appendix B. */
    private static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, //   0
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, //  16
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,         //  32 ' ' to '/'
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,              //  48 '0' to '?'
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,                //  64 '@' to 'O'
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,             //  80 'P' to '_'
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,                //  96 '`' to 'o'
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,            // 112 'p' to 127
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240
        30,                                                             // 256 EOS
    };

    /** The code of each symbol, right-aligned. */
    private static final int[] CODES = new int[EOS + 1];
    /** The symbols in code order (by length, then symbol). */
    private static final int[] SYMBOLS = new int[EOS + 1];
    /** For each length: the first code of that length, how many codes have it, and where they start in SYMBOLS. */
    private static final int[] FIRST_CODE = new int[MAX_LENGTH + 1];
    private static final int[] COUNT = new int[MAX_LENGTH + 1];
    private static final int[] OFFSET = new int[MAX_LENGTH + 1];

    static {
        int next = 0;
        int code = 0;
        for (int length = 1; length <= MAX_LENGTH; length++) {
            FIRST_CODE[length] = code;
            OFFSET[length] = next;
            for (int symbol = 0; symbol <= EOS; symbol++) {
                if (LENGTHS[symbol] == length) {
                    CODES[symbol] = code++;
                    SYMBOLS[next++] = symbol;
                    COUNT[length]++;
                }
            }
            code <<= 1;
        }
        // A complete prefix code ends with the all-ones code of the longest length: EOS, 30 one bits.
        if (next != EOS + 1 || CODES[EOS] != (1 << MAX_LENGTH) - 1 || code != 1 << (MAX_LENGTH + 1)) {
            throw new ExceptionInInitializerError("the Huffman code lengths do not form a complete prefix code");
        }
    }

    private Huffman() {
    }

    /** The code of {@code symbol}, right-aligned in {@link #length(int)} bits. */
    static int code(int symbol) {
        return CODES[symbol];
    }

    /** The code length of {@code symbol} in bits. */
    static int length(int symbol) {
        return LENGTHS[symbol];
    }

    /** The number of bytes {@code text} (chars 0-255) takes Huffman-coded, padding included. */
    static long encodedLength(String text) {
        long bits = 0;
        for (int i = 0; i < text.length(); i++) {
            bits += LENGTHS[text.charAt(i) & 0xFF];
        }
        return (bits + 7) >>> 3;
    }

    /** The most bytes {@code length} Huffman-coded bytes can decode to: the shortest code is 5 bits. */
    static int maxDecodedLength(int length) {
        return (int) Math.min(Integer.MAX_VALUE, length * 8L / 5);
    }

    /**
     * Writes {@code text} (chars 0-255) Huffman-coded into {@code out} from {@code offset}, padded with the most
     * significant bits of EOS (ones); {@code out} has room for {@link #encodedLength(String)} bytes.
     */
    static void encode(String text, byte[] out, int offset) {
        long bits = 0;
        int pending = 0;
        int position = offset;
        for (int i = 0; i < text.length(); i++) {
            int symbol = text.charAt(i) & 0xFF;
            bits = (bits << LENGTHS[symbol]) | CODES[symbol];
            pending += LENGTHS[symbol];
            while (pending >= 8) {
                pending -= 8;
                out[position++] = (byte) (bits >>> pending);
            }
        }
        if (pending > 0) {
            out[position] = (byte) ((bits << (8 - pending)) | (0xFF >>> pending));
        }
    }

    /**
     * Decodes {@code length} bytes of {@code in} from {@code offset} into {@code out}, and returns the number of
     * bytes written. {@code out} has room for {@code min(maxLength, maxDecodedLength(length))} bytes.
     *
     * @throws HpackException on EOS in the string, padding longer than 7 bits or not all ones (RFC 7541 §5.2), or
     *         a text longer than {@code maxLength}
     */
    static int decode(byte[] in, int offset, int length, byte[] out, int maxLength) throws HpackException {
        int written = 0;
        int code = 0;
        int codeLength = 0;
        for (int i = offset; i < offset + length; i++) {
            int octet = in[i];
            for (int bit = 7; bit >= 0; bit--) {
                code = (code << 1) | ((octet >>> bit) & 1);
                codeLength++;
                int rank = code - FIRST_CODE[codeLength];
                if (rank >= 0 && rank < COUNT[codeLength]) {
                    int symbol = SYMBOLS[OFFSET[codeLength] + rank];
                    if (symbol == EOS) {
                        throw new HpackException(HpackException.Reason.INVALID_HUFFMAN,
                                "Huffman-coded string contains the EOS symbol");
                    }
                    if (written == maxLength) {
                        throw new HpackException(HpackException.Reason.STRING_TOO_LONG,
                                "Huffman-coded string exceeds " + maxLength + " bytes (maxStringLength)");
                    }
                    out[written++] = (byte) symbol;
                    code = 0;
                    codeLength = 0;
                }
            }
        }
        // RFC 7541 §5.2: padding is a prefix of EOS, shorter than a byte.
        if (codeLength > 7) {
            throw new HpackException(HpackException.Reason.INVALID_HUFFMAN,
                    "Huffman padding is " + codeLength + " bits, longer than 7");
        }
        if (code != (1 << codeLength) - 1) {
            throw new HpackException(HpackException.Reason.INVALID_HUFFMAN, "Huffman padding is not all ones");
        }
        return written;
    }
}
