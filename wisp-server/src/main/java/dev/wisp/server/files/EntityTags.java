package dev.wisp.server.files;

import java.util.List;

/**
 * Matching of entity tags against the lists in If-Match and If-None-Match (RFC 9110 §8.8.3, §13.1.1, §13.1.2).
 *
 * <pre>
 * If-None-Match = "*" / #entity-tag
 * entity-tag    = [ "W/" ] DQUOTE *etagc DQUOTE
 * </pre>
 * A list that is not well-formed matches nothing.
 */
final class EntityTags {
    private EntityTags() {
    }

    /** Whether the header is the single member {@code *}, which matches any current representation. */
    static boolean isAny(List<String> fieldValues) {
        return fieldValues.size() == 1 && fieldValues.get(0).strip().equals("*");
    }

    /**
     * Whether any entity tag in the fields matches {@code current} (a strong tag such as {@code "5-1a"}).
     *
     * @param weak true for the weak comparison (If-None-Match: {@code W/"x"} matches {@code "x"}), false for the
     *     strong one (If-Match, If-Range: a weak tag never matches)
     */
    static boolean matches(List<String> fieldValues, String current, boolean weak) {
        for (String value : fieldValues) {
            if (listMatches(value, current, weak)) {
                return true;
            }
        }
        return false;
    }

    private static boolean listMatches(String list, String current, boolean weak) {
        int i = 0;
        int length = list.length();
        while (i < length) {
            char c = list.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            boolean isWeak = list.startsWith("W/", i);
            int open = isWeak ? i + 2 : i;
            if (open >= length || list.charAt(open) != '"') {
                return false;
            }
            int close = list.indexOf('"', open + 1);
            if (close < 0) {
                return false;
            }
            boolean sameOpaqueTag = close + 1 - open == current.length()
                    && list.regionMatches(open, current, 0, current.length());
            if (sameOpaqueTag && (weak || !isWeak)) {
                return true;
            }
            i = close + 1;
        }
        return false;
    }
}
