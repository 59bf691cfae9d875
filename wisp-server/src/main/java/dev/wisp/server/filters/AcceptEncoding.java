package dev.wisp.server.filters;

import dev.wisp.core.Ascii;
import dev.wisp.core.Weights;

/**
 * What an {@code Accept-Encoding} field (RFC 9110 §12.5.3) allows: gzip, and whether the identity coding is
 * refused. Each member is a coding with an optional {@code q} weight; gzip is accepted when its own weight (or
 * {@code x-gzip}'s, RFC 9110 §8.4.1.3), else that of {@code *}, is above zero. Identity is refused by
 * {@code identity;q=0}, or by {@code *;q=0} when identity is not named. A malformed weight makes its member count
 * as not acceptable. An absent field accepts no coding but identity.
 *
 * @param acceptsGzip whether a gzip-coded response is acceptable
 * @param refusesIdentity whether the client asked for no unencoded response
 */
record AcceptEncoding(boolean acceptsGzip, boolean refusesIdentity) {
    static final AcceptEncoding NONE = new AcceptEncoding(false, false);

    /** Parses the field values, joined with commas; null for an absent field. */
    static AcceptEncoding parse(String field) {
        if (field == null) {
            return NONE;
        }
        double gzip = -1;
        double any = -1;
        double identity = -1;
        for (String member : field.split(",")) {
            String[] parts = member.split(";");
            String coding = Ascii.toLowerCase(parts[0].strip());
            double q = Weights.of(parts);
            switch (coding) {
                case "gzip", "x-gzip" -> gzip = Math.max(gzip, q);
                case "*" -> any = q;
                case "identity" -> identity = q;
                default -> {
                }
            }
        }
        boolean acceptsGzip = gzip >= 0 ? gzip > 0 : any > 0;
        boolean refusesIdentity = identity >= 0 ? identity == 0 : any == 0;
        return new AcceptEncoding(acceptsGzip, refusesIdentity);
    }
}
