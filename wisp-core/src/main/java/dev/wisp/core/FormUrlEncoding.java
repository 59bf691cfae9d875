package dev.wisp.core;

import java.nio.charset.Charset;

/**
 * The {@code application/x-www-form-urlencoded} syntax (WHATWG URL §5.1) that query strings and HTML form bodies
 * share: {@code name=value} pairs split by '&amp;', '+' for space, %XX escapes of the form's charset. Splitting
 * and decoding are separate steps, so a reader can check the size of each field as sent before decoding it.
 *
 * <p>Stateless.
 */
public final class FormUrlEncoding {
    private FormUrlEncoding() {
    }

    /**
     * Receives one field as sent, still encoded.
     *
     * @param <E> what it may throw: a decoding error, or a limit crossed
     */
    @FunctionalInterface
    public interface EncodedFieldConsumer<E extends Exception> {
        void accept(String encodedName, String encodedValue) throws E;
    }

    /**
     * Splits the text into its fields, in order: empty pairs ({@code a=1&&b=2}) are skipped, and a pair without
     * '=' is a name with an empty value.
     *
     * @throws E what the consumer throws
     */
    public static <E extends Exception> void split(String text, EncodedFieldConsumer<E> consumer) throws E {
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('&', start);
            if (end < 0) {
                end = text.length();
            }
            if (end > start) {
                int equals = text.indexOf('=', start);
                if (equals < 0 || equals > end) {
                    consumer.accept(text.substring(start, end), "");
                } else {
                    consumer.accept(text.substring(start, equals), text.substring(equals + 1, end));
                }
            }
            start = end + 1;
        }
    }

    /**
     * Decodes a name or value: '+' is space, %XX escapes are bytes of the charset (ASCII-compatible, as forms are).
     *
     * @throws MalformedMessageException if an escape is malformed, the bytes are not of the charset, or the text
     *         holds a character that is not ASCII
     */
    public static String decode(String encoded, Charset charset) throws MalformedMessageException {
        return PercentEncoding.decode(encoded, true, charset);
    }
}
