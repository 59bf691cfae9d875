package dev.wisp.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What an {@code Accept} field (RFC 9110 §12.5.1) allows: each member is a media range ({@code type/subtype},
 * {@code type/*} or {@code *}{@code /*}) with an optional {@code q} weight. A media type's weight is that of the most
 * specific range that matches it (§12.5.1: {@code text/html;q=0, *}{@code /*} refuses HTML and takes the rest), 0 if
 * none does; parameters other than {@code q} are not compared. A malformed weight makes its member count as not
 * acceptable. An absent field accepts every type. Immutable.
 */
public final class Accept {
    /** No field: any media type, with weight 1. */
    public static final Accept ANY = new Accept(List.of(new Range("*", "*", 1)));

    private final List<Range> ranges;

    private Accept(List<Range> ranges) {
        this.ranges = ranges;
    }

    /** Parses the field's values (each a comma-separated list); an empty list is an absent field. */
    public static Accept parse(List<String> fieldValues) {
        if (fieldValues.isEmpty()) {
            return ANY;
        }
        List<Range> ranges = new ArrayList<>();
        for (String value : fieldValues) {
            for (String member : value.split(",")) {
                String[] parts = member.split(";");
                String range = Ascii.toLowerCase(parts[0].strip());
                int slash = range.indexOf('/');
                if (slash > 0 && slash < range.length() - 1) {
                    ranges.add(new Range(range.substring(0, slash), range.substring(slash + 1), Weights.of(parts)));
                }
            }
        }
        return new Accept(List.copyOf(ranges));
    }

    /** The weight of a media type ({@code text/html}, lower case, without parameters); 0 if it is not acceptable. */
    public double weight(String mediaType) {
        int slash = mediaType.indexOf('/');
        String type = mediaType.substring(0, slash);
        String subtype = mediaType.substring(slash + 1);
        int bestSpecificity = -1;
        double weight = 0;
        for (Range range : ranges) {
            int specificity = range.specificity(type, subtype);
            if (specificity > bestSpecificity || (specificity == bestSpecificity && range.weight() > weight)) {
                bestSpecificity = specificity;
                weight = specificity < 0 ? weight : range.weight();
            }
        }
        return weight;
    }

    /** Whether the media type is acceptable: its {@link #weight} is above zero. */
    public boolean accepts(String mediaType) {
        return weight(mediaType) > 0;
    }

    private record Range(String type, String subtype, double weight) {
        /** 2 for the type itself, 1 for {@code type/*}, 0 for {@code *}{@code /*}, -1 if the range does not match. */
        int specificity(String otherType, String otherSubtype) {
            if (type.equals("*")) {
                return subtype.equals("*") ? 0 : -1;
            }
            if (!type.equals(otherType)) {
                return -1;
            }
            return subtype.equals("*") ? 1 : subtype.equals(otherSubtype) ? 2 : -1;
        }
    }
}
