package dev.wisp.server.files;

import dev.wisp.core.AcceptEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The coded copies of a file stored beside it ({@code app.js.br}, {@code app.js.zst}, {@code app.js.gz}, made when the
 * site is built), served in its place to a client that accepts their coding, as nginx's {@code gzip_static}, Caddy's
 * {@code precompressed} and Jetty's precompressed formats do: the best compression, made once, at no CPU per request.
 *
 * <p>Of the configured codings the client accepts ({@code q} above zero), the one with the highest weight is taken,
 * ties going to the earlier in the configured order; if its copy is missing, the next. A copy counts only if it is a
 * regular file inside the root, not hidden (when hidden files are not served), and not older than the file itself (to
 * the second): a copy left stale by a change to the file is passed over, as Jetty does, so that no client gets old
 * content. Immutable.
 */
final class Precompressed {
    /** The codings a copy may be stored in, with the suffix its name adds to the file's. */
    static final Map<String, String> SUFFIXES = Map.of("br", ".br", "zstd", ".zst", "gzip", ".gz");

    static final Precompressed NONE = new Precompressed(List.of());

    private final List<String> codings;

    private Precompressed(List<String> codings) {
        this.codings = codings;
    }

    /**
     * The codings in the server's order of preference.
     *
     * @throws IllegalArgumentException for a coding not in {@link #SUFFIXES}, or one named twice
     */
    static Precompressed of(List<String> codings) {
        for (int i = 0; i < codings.size(); i++) {
            String coding = codings.get(i);
            if (!SUFFIXES.containsKey(coding)) {
                throw new IllegalArgumentException("no precompressed coding '" + coding + "'; known: br, zstd, gzip");
            }
            if (codings.indexOf(coding) != i) {
                throw new IllegalArgumentException("precompressed coding named twice: " + coding);
            }
        }
        return codings.isEmpty() ? NONE : new Precompressed(List.copyOf(codings));
    }

    List<String> codings() {
        return codings;
    }

    boolean isEnabled() {
        return !codings.isEmpty();
    }

    /**
     * The stored copy of the file to serve to this client, or null if it accepts none of the configured codings or
     * none of their copies is there and current.
     *
     * @param file the real path of the file, inside the root
     * @param name the file's name
     */
    Copy select(AcceptEncoding accepted, Path file, String name, BasicFileAttributes attributes, RootDirectory root) {
        if (codings.isEmpty() || accepted == AcceptEncoding.NONE) {
            return null;
        }
        List<String> ranked = new ArrayList<>(codings.size());
        for (String coding : codings) {
            if (accepted.accepts(coding)) {
                ranked.add(coding);
            }
        }
        // A stable sort: equal weights keep the configured order.
        ranked.sort(Comparator.comparingDouble(accepted::weight).reversed());
        for (String coding : ranked) {
            Copy copy = copy(file, name, coding, attributes, root);
            if (copy != null) {
                return copy;
            }
        }
        return null;
    }

    private static Copy copy(Path file, String name, String coding, BasicFileAttributes original, RootDirectory root) {
        Path real;
        try {
            real = root.inside(FileNames.child(file.getParent(), name + SUFFIXES.get(coding)));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (real == null || root.leadsToHidden(real)) {
            return null;
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
            // In whole seconds: tools that give the copy its file's time (brotli, zstd, gzip -k) may keep only those.
            boolean current = attributes.isRegularFile() && attributes.lastModifiedTime().to(TimeUnit.SECONDS)
                    >= original.lastModifiedTime().to(TimeUnit.SECONDS);
            return current ? new Copy(coding, real, attributes) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * A stored copy of a file.
     *
     * @param coding its content coding
     * @param path its real path
     * @param attributes its attributes when it was found
     */
    record Copy(String coding, Path path, BasicFileAttributes attributes) {
    }
}
