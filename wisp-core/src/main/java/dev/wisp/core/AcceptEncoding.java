package dev.wisp.core;

import java.util.Arrays;
import java.util.List;

/**
 * What an {@code Accept-Encoding} field (RFC 9110 §12.5.3) allows. Each member is a content coding with an optional
 * {@code q} weight; a coding's weight is its own (gzip's also that of {@code x-gzip}, RFC 9110 §8.4.1.3), else that
 * of {@code *}, else 0, and it is acceptable when its weight is above zero. Identity is refused by
 * {@code identity;q=0}, or by {@code *;q=0} when identity is not named. A malformed weight makes its member count as
 * not acceptable. An absent field accepts no coding but identity. Immutable.
 */
public final class AcceptEncoding {
    /** No field: identity only. */
    public static final AcceptEncoding NONE = new AcceptEncoding(new String[0], new double[0]);

    private final String[] codings;
    private final double[] weights;

    private AcceptEncoding(String[] codings, double[] weights) {
        this.codings = codings;
        this.weights = weights;
    }

    /** Parses the field's values (each a comma-separated list); an empty list is an absent field. */
    public static AcceptEncoding parse(List<String> fieldValues) {
        return fieldValues.isEmpty() ? NONE : parse(String.join(",", fieldValues));
    }

    /** Parses the field's values joined with commas; null for an absent field. */
    public static AcceptEncoding parse(String field) {
        if (field == null) {
            return NONE;
        }
        String[] members = field.split(",");
        String[] codings = new String[members.length];
        double[] weights = new double[members.length];
        int count = 0;
        for (String member : members) {
            String[] parts = member.split(";");
            String coding = Ascii.toLowerCase(parts[0].strip());
            if (!coding.isEmpty()) {
                codings[count] = coding.equals("x-gzip") ? "gzip" : coding;
                weights[count] = Weights.of(parts);
                count++;
            }
        }
        return count == members.length ? new AcceptEncoding(codings, weights)
                : new AcceptEncoding(Arrays.copyOf(codings, count), Arrays.copyOf(weights, count));
    }

    /**
     * The weight of a content coding (lower case, such as {@code gzip} or {@code br}): the highest the field gives it
     * by name, else the weight of {@code *}, else 0 (not acceptable).
     */
    public double weight(String coding) {
        double named = namedWeight(coding);
        return named >= 0 ? named : Math.max(namedWeight("*"), 0);
    }

    /** Whether a response in this content coding is acceptable: its {@link #weight} is above zero. */
    public boolean accepts(String coding) {
        return weight(coding) > 0;
    }

    /** Whether the client asked for no unencoded response ({@code identity;q=0}, or {@code *;q=0} without it). */
    public boolean refusesIdentity() {
        double identity = namedWeight("identity");
        return identity >= 0 ? identity == 0 : namedWeight("*") == 0;
    }

    /** The highest weight given to the coding by name; -1 if the field does not name it. */
    private double namedWeight(String coding) {
        double weight = -1;
        for (int i = 0; i < codings.length; i++) {
            if (codings[i].equals(coding)) {
                weight = Math.max(weight, weights[i]);
            }
        }
        return weight;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("AcceptEncoding[");
        for (int i = 0; i < codings.length; i++) {
            text.append(i == 0 ? "" : ", ").append(codings[i]).append(";q=").append(weights[i]);
        }
        return text.append(']').toString();
    }
}
