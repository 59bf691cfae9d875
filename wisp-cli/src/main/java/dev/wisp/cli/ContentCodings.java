package dev.wisp.cli;

import dev.wisp.client.internal.BadContentEncodingException;
import dev.wisp.client.internal.ContentDecoding;
import dev.wisp.client.internal.DecodingInputStream.Coding;
import dev.wisp.core.Ascii;
import dev.wisp.core.ResponseHead;
import java.io.InputStream;
import java.util.List;

/**
 * {@code wisp get --compressed}: the body decoded from every content coding its head names, as curl decodes it, by the
 * library's {@link ContentDecoding} (which undoes {@code gzip, gzip} twice, last first, and skips {@code identity}).
 * The library leaves a head with another coding as it came, which suits a program that reads the head; a command that
 * prints the body must not hand over encoded bytes as if decoded, so here, as in curl, any other coding, more than
 * {@link ContentDecoding#MAX_CODINGS} of them, or bytes that are not what their coding says, fail with
 * {@link BadContentEncodingException} (curl's exit 61).
 */
final class ContentCodings {
    private ContentCodings() {
    }

    /**
     * The body decoded; it reads the encoded one as it is read itself.
     *
     * @throws BadContentEncodingException if the head names a coding other than gzip, x-gzip, deflate or identity, or
     *     more than five
     */
    static InputStream decode(ResponseHead head, InputStream body) throws BadContentEncodingException {
        List<String> codings = ContentDecoding.codingNames(head);
        if (codings.size() > ContentDecoding.MAX_CODINGS) {
            // Each coding stacks a decoder that reads through the ones below it: a thousand of them overflowed the
            // stack. curl refuses more than five since CVE-2022-32206.
            throw new BadContentEncodingException(codings.size() + " content codings stacked, more than the "
                    + ContentDecoding.MAX_CODINGS + " --compressed undoes");
        }
        for (String name : codings) {
            if (Coding.named(name).isEmpty()) {
                throw new BadContentEncodingException("unknown content coding '" + Ascii.escape(name)
                        + "' (--compressed decodes gzip and deflate)");
            }
        }
        return ContentDecoding.decoder(codings, body);
    }
}
