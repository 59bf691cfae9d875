package dev.wisp.cli;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A command-line argument as the bytes it was given, for a header field's value: a field is octets (RFC 9110 §5.5),
 * which Wisp holds one char a byte, and curl sends an argument's bytes as they are, so {@code -H 'X-Name: été'} goes
 * out as the UTF-8 the shell passed. The JVM decoded the arguments with the platform's encoding for them
 * ({@code sun.jnu.encoding}: UTF-8 under {@code bin/wisp}, which moves a C locale to C.UTF-8); encoding them again
 * gives those bytes back.
 */
final class ArgumentBytes {
    private static final Charset ARGUMENTS = argumentCharset();

    private ArgumentBytes() {
    }

    /** The argument's bytes, one char each: what a field's value holds; ASCII as it is. */
    static String fieldValue(String argument) {
        for (int i = 0; i < argument.length(); i++) {
            if (argument.charAt(i) >= 0x80) {
                return new String(argument.getBytes(ARGUMENTS), StandardCharsets.ISO_8859_1);
            }
        }
        return argument;
    }

    /**
     * The encoding the JVM decoded the arguments with; UTF-8 if that was ASCII (a C locale, where a byte past 0x7F
     * cannot have come through as itself, so an argument that holds one was made in code, as text).
     */
    private static Charset argumentCharset() {
        try {
            Charset charset = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
            return charset.equals(StandardCharsets.US_ASCII) ? StandardCharsets.UTF_8 : charset;
        } catch (IllegalArgumentException unknown) {
            return StandardCharsets.UTF_8;
        }
    }
}
