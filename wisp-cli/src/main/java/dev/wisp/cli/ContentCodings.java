package dev.wisp.cli;

import dev.wisp.client.internal.BadContentEncodingException;
import dev.wisp.client.internal.DecodingInputStream;
import dev.wisp.client.internal.DecodingInputStream.Coding;
import dev.wisp.core.Ascii;
import dev.wisp.core.ResponseHead;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code wisp get --compressed}: the body decoded from every content coding its head names, as curl decodes it. The
 * library's own decoding takes one gzip or deflate and leaves anything else as it came, which suits a program that
 * reads the head; a command that prints the body must not hand over encoded bytes as if decoded, so here, as in curl,
 * {@code Content-Encoding: gzip, gzip} is undone twice (RFC 9110 §8.4: the codings are listed in the order applied,
 * so they are undone last first), {@code identity} is nothing to undo, and any other coding, or bytes that are not
 * what their coding says, fail with {@link BadContentEncodingException} (curl's exit 61). Each coding is undone by
 * the library's {@link DecodingInputStream}.
 */
final class ContentCodings {
    /** The most codings undone one over another, as curl allows. */
    static final int MAX_CODINGS = 5;

    private ContentCodings() {
    }

    /**
     * The body decoded; it reads the encoded one as it is read itself.
     *
     * @throws BadContentEncodingException if the head names a coding other than gzip, x-gzip, deflate or identity
     */
    static InputStream decode(ResponseHead head, InputStream body) throws BadContentEncodingException {
        List<String> codings = new ArrayList<>();
        for (String value : head.headers().all("Content-Encoding")) {
            for (String coding : value.split(",")) {
                String name = coding.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !name.equals("identity")) {
                    codings.add(name);
                }
            }
        }
        if (codings.size() > MAX_CODINGS) {
            // Each coding stacks a decoder that reads through the ones below it: a thousand of them overflowed the
            // stack. curl refuses more than five since CVE-2022-32206.
            throw new BadContentEncodingException(codings.size() + " content codings stacked, more than the "
                    + MAX_CODINGS + " --compressed undoes");
        }
        InputStream decoded = body;
        for (String name : codings.reversed()) {
            Coding coding = Coding.named(name).orElseThrow(() -> new BadContentEncodingException(
                    "unknown content coding '" + Ascii.escape(name) + "' (--compressed decodes gzip and deflate)"));
            decoded = new DecodingInputStream(coding, decoded);
        }
        return decoded;
    }
}
