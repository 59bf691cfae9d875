package dev.wisp.tls.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Splits PEM text (RFC 7468) into its blocks: {@code -----BEGIN LABEL-----}, base64 lines, {@code -----END
 * LABEL-----}. Text between blocks (the comments of CA bundles) is ignored. Strict inside a block: the END label
 * must match, the base64 must decode, and RFC 1421 headers (OpenSSL's legacy {@code Proc-Type: 4,ENCRYPTED}
 * keys) are refused with a message that says how to convert the key.
 *
 * <p>Stateless and thread-safe.
 */
public final class PemParser {
    /** One decoded block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...) and its DER bytes. */
    public record Block(String label, byte[] der) {
    }

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    private PemParser() {
    }

    /**
     * Parses every block of the text.
     *
     * @param source names the input in error messages (a file name)
     * @throws PemException for a malformed block
     */
    public static List<Block> parse(byte[] text, String source) {
        String[] lines = new String(text, StandardCharsets.US_ASCII).split("\r?\n|\r");
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.startsWith(BEGIN)) {
                continue;
            }
            String label = label(line, BEGIN, source, i);
            StringBuilder base64 = new StringBuilder();
            int end = -1;
            for (int j = i + 1; j < lines.length; j++) {
                String body = lines[j].strip();
                if (body.startsWith(END)) {
                    if (!label(body, END, source, j).equals(label)) {
                        throw new PemException("PEM " + source + " line " + (j + 1) + ": END label does not match "
                                + "BEGIN " + label);
                    }
                    end = j;
                    break;
                }
                if (body.contains(":")) {
                    throw new PemException("PEM " + source + " line " + (j + 1) + ": encrypted legacy PEM (header '"
                            + Printable.of(body) + "') is not supported; convert it to PKCS#8 with "
                            + "'openssl pkcs8 -topk8'");
                }
                base64.append(body);
            }
            if (end < 0) {
                throw new PemException("PEM " + source + " line " + (i + 1) + ": no END line for BEGIN " + label);
            }
            blocks.add(new Block(label, decode(base64.toString(), label, source, i)));
            i = end;
        }
        return blocks;
    }

    private static String label(String line, String prefix, String source, int index) {
        if (!line.endsWith(DASHES) || line.length() < prefix.length() + DASHES.length()) {
            throw new PemException("PEM " + source + " line " + (index + 1) + ": malformed boundary '"
                    + Printable.of(line) + "'");
        }
        return line.substring(prefix.length(), line.length() - DASHES.length());
    }

    private static byte[] decode(String base64, String label, String source, int index) {
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            if (der.length == 0) {
                throw new PemException("PEM " + source + " line " + (index + 1) + ": empty " + label + " block");
            }
            return der;
        } catch (IllegalArgumentException e) {
            throw new PemException("PEM " + source + " line " + (index + 1) + ": " + label
                    + " block is not valid base64");
        }
    }
}
