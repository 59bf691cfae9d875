package dev.wisp.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of {@code wisp ws}'s standard input as they came, byte for byte, each without its line end (LF, or CR
 * LF), as websocat splits its input: a binary message carries any bytes, and a text line is decoded strictly, so
 * that input that is not UTF-8 is an error rather than U+FFFD sent in its place. One thread reads it.
 */
final class InputLines {
    private final InputStream in;
    private int number;

    InputLines(InputStream in) {
        this.in = new BufferedInputStream(in);
    }

    /** The next line's bytes, or null at the end of input; a last line without a line end is a line too. */
    byte[] next() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        number++;
        byte[] bytes = line.toByteArray();
        boolean endsInCrLf = b == '\n' && bytes.length > 0 && bytes[bytes.length - 1] == '\r';
        return endsInCrLf ? Arrays.copyOf(bytes, bytes.length - 1) : bytes;
    }

    /**
     * The next line as text, or null at the end of input.
     *
     * @throws CharacterCodingException naming the line, if it is not UTF-8
     */
    String nextText() throws IOException {
        byte[] line = next();
        if (line == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException e) {
            throw new NotUtf8Exception("line " + number + " of standard input is not UTF-8; --binary sends its"
                    + " bytes as they are");
        }
    }

    /** A text line that is not UTF-8. */
    static final class NotUtf8Exception extends CharacterCodingException {
        private final String message;

        NotUtf8Exception(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }
}
