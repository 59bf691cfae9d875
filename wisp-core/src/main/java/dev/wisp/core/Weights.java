package dev.wisp.core;

/**
 * The weights of the members of the fields that rank choices, such as {@code Accept} and {@code Accept-Encoding}
 * (RFC 9110 §12.4.2): a {@code q} parameter from 0 to 1 with at most three decimals. Stateless.
 */
public final class Weights {
    private Weights() {
    }

    /**
     * The weight of one member, split at its semicolons (its value first, then its parameters): 1 without a
     * {@code q} parameter, 0 for a malformed one, so that a member whose weight cannot be read counts as not
     * acceptable.
     */
    public static double of(String[] memberParts) {
        for (int i = 1; i < memberParts.length; i++) {
            String parameter = memberParts[i].strip();
            if (parameter.length() >= 2 && (parameter.charAt(0) == 'q' || parameter.charAt(0) == 'Q')
                    && parameter.charAt(1) == '=') {
                String value = parameter.substring(2).strip();
                if (!value.matches("0(\\.\\d{0,3})?|1(\\.0{0,3})?")) {
                    return 0;
                }
                return Double.parseDouble(value.endsWith(".") ? value + "0" : value);
            }
        }
        return 1;
    }
}
