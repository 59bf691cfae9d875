package dev.wisp.http1;

import dev.wisp.core.Ascii;
import dev.wisp.core.HeaderValidation;
import dev.wisp.core.MalformedMessageException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses Transfer-Encoding field values into lower-cased coding names (RFC 9112 §6.1, RFC 9110 §10.1.4):
 * a comma-separated list of tokens, each optionally with parameters, which we keep out of the name.
 */
final class TransferCodings {
    private TransferCodings() {
    }

    static List<String> parse(List<String> fields) throws MalformedMessageException {
        List<String> codings = new ArrayList<>(2);
        for (String field : fields) {
            for (String element : field.split(",", -1)) {
                String coding = element.strip();
                if (coding.isEmpty()) {
                    continue;
                }
                int semicolon = coding.indexOf(';');
                String name = (semicolon < 0 ? coding : coding.substring(0, semicolon)).strip();
                if (!HeaderValidation.isToken(name)) {
                    throw new MalformedMessageException("invalid transfer coding: '" + Ascii.escape(field) + "'");
                }
                codings.add(Ascii.toLowerCase(name));
            }
        }
        if (codings.isEmpty()) {
            throw new MalformedMessageException("empty Transfer-Encoding");
        }
        return codings;
    }
}
