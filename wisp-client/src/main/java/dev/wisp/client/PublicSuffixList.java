package dev.wisp.client;

import static java.lang.System.Logger.Level.DEBUG;

import java.io.IOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The public suffixes under which anyone can register a name ({@code com}, {@code co.uk}, {@code github.io}), from
 * a file in the format of <a href="https://publicsuffix.org/list/">publicsuffix.org</a>: one rule a line, {@code //}
 * comments, {@code *.} wildcard rules and {@code !} exceptions. A cookie jar refuses a Domain attribute that names
 * one (RFC 6265 §5.3 step 5), so that one site cannot set cookies for its neighbours.
 *
 * <p>{@link #system()} is the list Debian's {@code publicsuffix} package installs, when it is there; without a file
 * only the rule every list agrees on holds: a single label ({@code com}, {@code local}, {@code localhost}) is a
 * public suffix (the list's implicit {@code *} rule).
 *
 * <p>Immutable and thread-safe.
 */
public final class PublicSuffixList {
    private static final System.Logger LOG = System.getLogger(PublicSuffixList.class.getName());
    /** Where Debian's {@code publicsuffix} package puts the list. */
    public static final Path DEBIAN_FILE = Path.of("/usr/share/publicsuffix/public_suffix_list.dat");
    private static final PublicSuffixList SINGLE_LABEL = new PublicSuffixList(Set.of(), Set.of(), Set.of(), "none");

    private final Set<String> rules;
    private final Set<String> wildcards;
    private final Set<String> exceptions;
    private final String source;

    private PublicSuffixList(Set<String> rules, Set<String> wildcards, Set<String> exceptions, String source) {
        this.rules = rules;
        this.wildcards = wildcards;
        this.exceptions = exceptions;
        this.source = source;
    }

    /** Only the implicit rule: single labels are public suffixes. */
    public static PublicSuffixList singleLabel() {
        return SINGLE_LABEL;
    }

    /** The list of Debian's {@code publicsuffix} package if installed, else {@link #singleLabel()}. */
    public static PublicSuffixList system() {
        return SystemList.LIST;
    }

    /**
     * Reads a list in publicsuffix.org's format; names in Unicode are kept in their ASCII (punycode) form, as hosts
     * and Domain attributes come.
     *
     * @throws IOException if the file cannot be read
     */
    public static PublicSuffixList load(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Set<String> rules = new HashSet<>();
        Set<String> wildcards = new HashSet<>();
        Set<String> exceptions = new HashSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            // The format: the rule is the line up to its first white space; "//" starts a comment line.
            String rule = line.strip().split("\\s", 2)[0];
            if (rule.isEmpty() || rule.startsWith("//")) {
                continue;
            }
            if (rule.startsWith("!")) {
                exceptions.add(ascii(rule.substring(1)));
            } else if (rule.startsWith("*.")) {
                wildcards.add(ascii(rule.substring(2)));
            } else {
                rules.add(ascii(rule));
            }
        }
        return new PublicSuffixList(Set.copyOf(rules), Set.copyOf(wildcards), Set.copyOf(exceptions),
                file.toString());
    }

    private static String ascii(String name) {
        try {
            return IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return name.toLowerCase(Locale.ROOT); // kept as written: it matches no ASCII host, and harms none
        }
    }

    /**
     * Whether the domain (lower case, no leading dot) is a public suffix: a rule names it, a wildcard rule covers
     * it and no exception takes it out, or it is a single label.
     */
    public boolean isPublicSuffix(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        if (exceptions.contains(name)) {
            return false;
        }
        int dot = name.indexOf('.');
        return dot < 0 || rules.contains(name) || wildcards.contains(name.substring(dot + 1));
    }

    /** How many rules the list holds, exceptions and wildcards included. */
    public int size() {
        return rules.size() + wildcards.size() + exceptions.size();
    }

    @Override
    public String toString() {
        return "public suffix list (" + size() + " rules from " + source + ")";
    }

    /** The system list, read at first use. */
    private static final class SystemList {
        static final PublicSuffixList LIST = read();

        private static PublicSuffixList read() {
            if (!Files.isReadable(DEBIAN_FILE)) {
                return SINGLE_LABEL;
            }
            try {
                return load(DEBIAN_FILE);
            } catch (IOException e) {
                LOG.log(DEBUG, () -> "cannot read " + DEBIAN_FILE + ", keeping the single-label rule: " + e);
                return SINGLE_LABEL;
            }
        }
    }
}
