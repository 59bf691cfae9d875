package dev.wisp.server.forms;

import dev.wisp.core.FormUrlEncoding;
import dev.wisp.core.HttpProtocolException;
import dev.wisp.core.MessageTooLargeException;
import dev.wisp.core.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Reads an {@code application/x-www-form-urlencoded} body within {@code maxFormBytes}, {@code maxFields} and
 * {@code maxFieldBytes}, decoding strictly: a malformed escape, bytes not of the charset, or a character that is
 * not ASCII is a 400 (browsers escape everything else).
 *
 * <p>Stateless.
 */
final class UrlEncodedFormReader {
    private UrlEncodedFormReader() {
    }

    /**
     * @param declaredLength the body's Content-Length, or -1
     * @throws MessageTooLargeException (413) if a limit is crossed
     * @throws dev.wisp.core.MalformedMessageException (400) if a field does not decode
     */
    static FormData read(InputStream body, long declaredLength, Charset charset, FormConfig config)
            throws IOException {
        long max = config.maxFormBytes();
        if (declaredLength > max) {
            throw tooLarge(max);
        }
        byte[] bytes = body.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
        if (bytes.length > max) {
            throw tooLarge(max);
        }
        return parse(new String(bytes, StandardCharsets.ISO_8859_1), charset, config);
    }

    /** Parses the text of a body: ASCII, read as ISO-8859-1 so that a byte that is not ASCII stays one char. */
    static FormData parse(String text, Charset charset, FormConfig config) throws HttpProtocolException {
        FormData.Builder form = new FormData.Builder();
        int[] fields = {0};
        FormUrlEncoding.<HttpProtocolException>split(text, (name, value) -> {
            if (++fields[0] > config.maxFields()) {
                throw new MessageTooLargeException(Status.CONTENT_TOO_LARGE, "form has more than "
                        + config.maxFields() + " fields (maxFields)", "maxFields", config.maxFields());
            }
            requireFieldSize(name, "name", config);
            requireFieldSize(value, "value", config);
            form.add(FormUrlEncoding.decode(name, charset), FormUrlEncoding.decode(value, charset));
        });
        return form.build();
    }

    private static void requireFieldSize(String encoded, String what, FormConfig config)
            throws MessageTooLargeException {
        if (encoded.length() > config.maxFieldBytes()) {
            throw new MessageTooLargeException(Status.CONTENT_TOO_LARGE, "form field " + what,
                    config.maxFieldBytes(), "maxFieldBytes");
        }
    }

    private static MessageTooLargeException tooLarge(long max) {
        return new MessageTooLargeException(Status.CONTENT_TOO_LARGE, "form body", max, "maxFormBytes");
    }
}
